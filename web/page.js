// The page: a drawing pad, MNIST's preparation (mnist.js) and LeNet-5 run by ONNX Runtime Web.
// Served from the project's root (it imports ../lenet_keras/pen.js): python -m http.server, then
// open http://localhost:8000/web/. The model is web/lenet5.onnx, or the file named by ?model=...
import * as ort from "./node_modules/onnxruntime-web/dist/ort.wasm.min.mjs";
import { attachPen, blank } from "../lenet_keras/pen.js"; // shared with the notebook's drawing pad
import { greyOf, preparationSteps } from "./mnist.js";

ort.env.wasm.wasmPaths = new URL("./node_modules/onnxruntime-web/dist/", import.meta.url).href;
ort.env.wasm.numThreads = 1; // threads need cross-origin isolation, which a plain static server does not give

const $ = (id) => document.getElementById(id);
const pad = $("pad"), pen = pad.getContext("2d", { willReadFrequently: true });
const modelFile = new URLSearchParams(location.search).get("model") || "lenet5.onnx";

function say(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

function clear() {
  blank(pen);
  $("digit").textContent = "";
  $("digit").dataset.digit = "";
  $("bars").replaceChildren();
  $("seen").getContext("2d").clearRect(0, 0, 28, 28);
}

// Ten bars, one per digit, as long as its probability.
function show(probabilities, image) {
  const digit = probabilities.indexOf(Math.max(...probabilities));
  $("digit").textContent = digit;
  $("digit").dataset.digit = digit;
  $("bars").replaceChildren(...probabilities.map((p, d) => {
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.innerHTML = `<span>${d}</span><div style="width:${(p * 10).toFixed(2)}em"></div><span>${(100 * p).toFixed(1)}%</span>`;
    return bar;
  }));
  const seen = new ImageData(28, 28);
  image.forEach((v, i) => seen.data.set([v, v, v, 255], 4 * i));
  $("seen").getContext("2d").putImageData(seen, 0, 0);
}

// The canvas, prepared as MNIST's digits were, read by the model: {image, probabilities}.
async function read(session) {
  const { data, width, height } = pen.getImageData(0, 0, pad.width, pad.height);
  const { image } = preparationSteps(greyOf(data), width, height);
  const input = new ort.Tensor("float32", Float32Array.from(image), [1, 28, 28, 1]); // raw 0-255: the model scales
  const output = await session.run({ [session.inputNames[0]]: input });
  return { image: Array.from(image), probabilities: Array.from(output[session.outputNames[0]].data) };
}

// Read the canvas at each pen-up, one reading at a time; Clear drops the readings still waiting.
function drawing(session) {
  let queue = Promise.resolve(), drawingNumber = 0;
  attachPen(pad, () => {
    const number = drawingNumber;
    queue = queue.then(async () => {
      if (number !== drawingNumber) return;
      try {
        const reading = await read(session);
        if (number !== drawingNumber) return; // cleared while it ran
        show(reading.probabilities, reading.image);
        window.lenet.last = reading;
        say(`Read by ${modelFile}.`);
      } catch (error) {
        say(error.message, true);
      }
    });
  });
  $("clear").addEventListener("click", () => {
    drawingNumber += 1;
    clear();
  });
}

window.lenet = { last: null };
clear();
window.lenet.ready = ort.InferenceSession.create(modelFile, { executionProviders: ["wasm"] }).then(
  (session) => {
    drawing(session);
    say(`Model ${modelFile} loaded: draw a digit.`);
    return true;
  },
  (error) => {
    say(`Could not load ${modelFile} (${error.message || error}). Export a model first: ` +
        "python -m lenet_keras export lenet5.keras --output web/lenet5.onnx", true);
    return false;
  });
