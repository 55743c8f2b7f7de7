// MNIST's preparation of a drawn digit, in the browser: lenet_keras/digits.py step for step.
//
// MNIST's creators cropped each digit, scaled its bounding box to fit 20x20 keeping the aspect
// ratio, and placed it in a 28x28 field so that its centre of mass is the centre. digits.py does
// this to photos; here the input is a canvas, clean white paper, so the paper is 1 everywhere (what
// digits.ink's background estimate finds on it) and the ink is 1 - grey. Every other step copies
// digits.py, down to float32 rounding, NumPy's round-half-to-even and Pillow's Lanczos filter, so that
// both give the same 28x28 image to within one grey level (tests/test_web.py checks it).

const f32 = Math.fround;

// Python's round(): halves go to the even neighbour.
export function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function median(values) {
  const sorted = Float32Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// How much ink each pixel holds, 0-1 (digits.ink on clean paper): dark-on-light, darkest = 1.
export function ink(grey) {
  const light = median(grey) < 0.5 ? grey.map((g) => f32(1 - g)) : grey; // light ink on dark paper
  const darker = Float32Array.from(light, (g) => Math.max(0, f32(1 - g)));
  const darkest = darker.reduce((a, b) => Math.max(a, b), 0);
  return darkest > 0 ? darker.map((d) => f32(d / darkest)) : darker;
}

// The threshold that best splits values 0-1 into two groups (digits.otsu_threshold).
export function otsuThreshold(values) {
  const counts = new Float64Array(256);
  for (const v of values) counts[Math.min(255, Math.max(0, Math.floor(v * 256)))] += 1;
  let weight = 0, mean = 0, best = -Infinity, bestIndex = 0;
  const totalWeight = values.length;
  const totalMean = counts.reduce((sum, c, i) => sum + c * ((i + 0.5) / 256), 0);
  for (let i = 0; i < 256; i++) {
    weight += counts[i];
    mean += counts[i] * ((i + 0.5) / 256);
    const between = (totalMean * weight - mean * totalWeight) ** 2 / (weight * (totalWeight - weight));
    if (between > best) [best, bestIndex] = [between, i]; // NaN never wins, as with np.nanargmax
  }
  return (bestIndex + 1) / 256;
}

// The digit's pixels: above Otsu's threshold, in the 8-connected pieces at least a tenth the size
// of the largest (digits.digit_mask).
export function digitMask(amount, width, height) {
  if (!amount.some((a) => a > 0)) throw new Error("No digit found: the canvas is blank.");
  const threshold = otsuThreshold(amount);
  const labels = new Int32Array(amount.length);
  const sizes = [0];
  for (let start = 0; start < amount.length; start++) {
    if (amount[start] <= threshold || labels[start]) continue;
    const label = sizes.length, stack = [start];
    labels[start] = label;
    let size = 0;
    while (stack.length) {
      const p = stack.pop(), y = Math.floor(p / width), x = p % width;
      size += 1;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const ny = y + dy, nx = x + dx, q = ny * width + nx;
          if (ny < 0 || ny >= height || nx < 0 || nx >= width || labels[q] || amount[q] <= threshold) continue;
          labels[q] = label;
          stack.push(q);
        }
      }
    }
    sizes.push(size);
  }
  const largest = Math.max(...sizes);
  return Uint8Array.from(labels, (label) => (label && sizes[label] >= 0.1 * largest ? 1 : 0));
}

function lanczos(x) {
  const sinc = (t) => (t === 0 ? 1 : Math.sin(t * Math.PI) / (t * Math.PI));
  return -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

// Pillow's resampling weights for one axis (Resample.c's precompute_coeffs, Lanczos filter).
function weights(inSize, outSize) {
  const scale = inSize / outSize, filterScale = Math.max(scale, 1), support = 3 * filterScale;
  return Array.from({ length: outSize }, (_, i) => {
    const centre = (i + 0.5) * scale;
    const first = Math.max(0, Math.trunc(centre - support + 0.5));
    const count = Math.min(inSize, Math.trunc(centre + support + 0.5)) - first;
    const w = Array.from({ length: count }, (_, k) => lanczos((k + first - centre + 0.5) / filterScale));
    const total = w.reduce((a, b) => a + b, 0);
    return { first, w: total !== 0 ? w.map((v) => v / total) : w };
  });
}

// Resize a float32 image (rows of `width`) along one axis, as Pillow's mode "F" does.
function resample(image, width, height, newWidth, newHeight) {
  const out = new Float32Array(newWidth * newHeight);
  const horizontal = newWidth !== width;
  const taps = horizontal ? weights(width, newWidth) : weights(height, newHeight);
  for (let y = 0; y < newHeight; y++) {
    for (let x = 0; x < newWidth; x++) {
      const { first, w } = taps[horizontal ? x : y];
      let sum = 0;
      for (let k = 0; k < w.length; k++) {
        sum += (horizontal ? image[y * width + first + k] : image[(first + k) * width + x]) * w[k];
      }
      out[y * newWidth + x] = sum;
    }
  }
  return out;
}

// Scale so the longer side is `size` pixels, keeping the aspect ratio (digits.fit_in_box).
export function fitInBox(image, width, height, size = 20) {
  const scale = size / Math.max(width, height);
  const newWidth = Math.max(1, roundHalfEven(width * scale)), newHeight = Math.max(1, roundHalfEven(height * scale));
  let out = image;
  if (newWidth !== width) out = resample(out, width, height, newWidth, height); // Pillow: horizontal first
  if (newHeight !== height) out = resample(out, newWidth, height, newWidth, newHeight);
  return { image: out.map((v) => Math.min(1, Math.max(0, v))), width: newWidth, height: newHeight };
}

// Place the box in a 28x28 field with its centre of mass at the centre (digits.centre_by_mass).
export function centreByMass(box, width, height, field = 28) {
  let total = 0, sumY = 0, sumX = 0;
  box.forEach((v, i) => { total += v; sumY += v * Math.floor(i / width); sumX += v * (i % width); });
  const clip = (v, most) => Math.min(Math.max(v, 0), most);
  const top = clip(Math.trunc(roundHalfEven(field / 2 - sumY / f32(total))), field - height);
  const left = clip(Math.trunc(roundHalfEven(field / 2 - sumX / f32(total))), field - width);
  const out = new Float32Array(field * field);
  box.forEach((v, i) => { out[(top + Math.floor(i / width)) * field + left + (i % width)] = v; });
  return out;
}

// Every step from a grey canvas (Float32Array, rows of `width`, 0 ink - 1 paper) to MNIST's 28x28
// digit: {ink, mask, cropped, box, image}; image is a Uint8Array of 784 grey levels, ink 255.
export function preparationSteps(grey, width, height) {
  const amount = ink(grey);
  const mask = digitMask(amount, width, height);
  let top = height, bottom = -1, left = width, right = -1;
  mask.forEach((m, i) => {
    if (!m) return;
    const y = Math.floor(i / width), x = i % width;
    [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
  });
  const cw = right - left + 1, ch = bottom - top + 1;
  const cropped = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = (top + y) * width + left + x;
      cropped[y * cw + x] = mask[i] ? amount[i] : 0;
    }
  }
  const most = cropped.reduce((a, b) => Math.max(a, b), 0);
  const box = fitInBox(cropped.map((v) => f32(v / most)), cw, ch);
  const centred = centreByMass(box.image, box.width, box.height);
  const image = Uint8Array.from(centred, (v) => roundHalfEven(f32(v * 255)));
  return { ink: amount, mask, cropped: { image: cropped, width: cw, height: ch }, box, image };
}

// A grey canvas as MNIST would have it: Uint8Array(784), ink 255 (digits.mnist_style).
export function mnistStyle(grey, width, height) {
  return preparationSteps(grey, width, height).image;
}

// The grey levels (0-1, float32 as Pillow's convert("L") / 255) of a canvas's RGBA pixels.
export function greyOf(rgba) {
  const grey = new Float32Array(rgba.length / 4);
  for (let i = 0; i < grey.length; i++) {
    const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
    grey[i] = f32(((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) / 255);
  }
  return grey;
}
