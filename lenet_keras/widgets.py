"""A drawing pad for the notebook: draw a digit with the mouse, a pen or a finger, and LeNet reads it.

The drawing happens in the browser (`pen.js`, shared with the web page, and the JavaScript below;
no build step). At each pen-up the whole canvas comes to Python as a PNG, is prepared like a photo
of a digit (`digits.preparation_steps`) and read by the model; the top 3 guesses and a picture of
the preparation go back to the browser.
Setting `pad.png` from Python does the same without a browser (`data_url` makes one from an array).
"""

import base64
import io
from pathlib import Path

import anywidget
import numpy as np
import traitlets
from PIL import Image, ImageDraw, ImageFont

from . import analysis, digits
from .errors import UserError

SIZE = 280  # the canvas, in pixels: ten times MNIST's 28

ESM = (Path(__file__).with_name("pen.js").read_text()  # the drawing itself, shared with web/page.js
       + f"const SIZE = {SIZE};" + """
const make = (tag, props) => Object.assign(document.createElement(tag), props);

function pad(model) {
  const canvas = make("canvas", { className: "lenet-pad", width: SIZE, height: SIZE });
  const pen = attachPen(canvas, () => {  // one message per stroke: the whole canvas, every stroke so far
    model.set("png", canvas.toDataURL("image/png"));
    model.save_changes();
  });
  blank(pen);
  if (model.get("png")) {  // shown again (a second view, a reload): the drawing so far
    const image = new Image();
    image.onload = () => pen.drawImage(image, 0, 0);
    image.src = model.get("png");
  }
  const clear = () => { blank(pen); model.set("png", ""); model.save_changes(); };
  return [canvas, clear];
}

function result(model) {
  const out = make("div", { className: "lenet-result" });
  const show = () => {
    const [best, ...others] = model.get("reading");
    out.replaceChildren();
    if (best) out.append(make("div", { className: "lenet-best", textContent: best }));
    for (const text of others) out.append(make("div", { textContent: text }));
    const message = model.get("message");
    if (message) out.append(make("div", { className: "lenet-message", textContent: message }));
    if (model.get("steps_png")) {
      out.append(make("img", { className: "lenet-steps", src: model.get("steps_png"), alt: "the preparation steps" }));
    }
  };
  for (const name of ["reading", "message", "steps_png"]) model.on(`change:${name}`, show);
  show();
  return out;
}

export default {
  render({ model, el }) {
    const [canvas, clear] = pad(model);
    const button = make("button", { className: "lenet-clear", textContent: "Clear" });
    button.addEventListener("click", clear);
    const left = make("div", {});
    left.append(canvas, button);
    el.classList.add("lenet-digit-pad");
    el.append(left, result(model));
  },
};
""")

CSS = """
.lenet-digit-pad { display: inline-flex; gap: 16px; align-items: flex-start; padding: 2px;
                   font-family: var(--jp-ui-font-family, sans-serif);
                   color: var(--jp-content-font-color2, #555); }
.lenet-digit-pad > div:first-child { display: flex; flex-direction: column; gap: 6px; align-items: flex-start; }
.lenet-pad { background: white; box-shadow: 0 0 0 1px #999; border-radius: 4px; touch-action: none;
             cursor: crosshair; }
.lenet-clear { padding: 3px 16px; border: 1px solid #999; border-radius: 4px; background: #f4f4f4; color: black;
               cursor: pointer; }
.lenet-result { display: flex; flex-direction: column; gap: 4px; min-width: 368px; }
.lenet-best { font-size: 1.4em; font-weight: bold; color: var(--jp-content-font-color0, black); }
.lenet-message { color: var(--jp-error-color1, #b33); }
.lenet-steps { margin-top: 10px; }
"""


def data_url(grey):
    """A grey image (H, W, 0-1, white paper) as a PNG data URL, like the canvas sends."""
    buffer = io.BytesIO()
    Image.fromarray(np.round(np.clip(grey, 0, 1) * 255).astype("uint8")).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def read_data_url(url):
    """The image in a data URL as grey levels 0-1, float32, shape (H, W); transparent is white."""
    with Image.open(io.BytesIO(base64.b64decode(url.partition(",")[2]))) as image:
        rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, "white")
    return np.asarray(Image.alpha_composite(paper, rgba).convert("L"), dtype="float32") / 255.0


def tile(image, size, label):
    """`image` (0-1, 1 white) scaled to fit size x size, its pixels kept sharp, framed, the label below."""
    scale = size / max(image.shape)
    small = Image.fromarray(np.round(image * 255).astype("uint8"))
    small = small.resize((max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale))),
                         Image.Resampling.NEAREST if scale >= 1 else Image.Resampling.LANCZOS)
    out = Image.new("L", (size + 2, size + 20), 255)
    out.paste(small, (1 + (size - small.width) // 2, 1 + (size - small.height) // 2))
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, 0, size + 1, size + 1), outline=200)
    draw.text((size / 2 + 1, size + 5), label, fill=60, anchor="ma", font=ImageFont.load_default(size=12))
    return out


def steps_picture(steps, size=84):
    """The drawing, its cropped ink, the 20x20 box and LeNet's 28x28 input side by side, as a data URL."""
    tiles = [tile(steps["grey"], size, "drawing"), tile(1 - steps["cropped"] / steps["cropped"].max(), size, "cropped"),
             tile(1 - steps["20x20"], size, "20x20"), tile(1 - steps["28x28"] / 255, size, "28x28")]
    strip = Image.new("L", (sum(t.width for t in tiles) + 8 * (len(tiles) - 1), tiles[0].height), 255)
    for i, t in enumerate(tiles):
        strip.paste(t, (i * (t.width + 8), 0))
    return data_url(np.asarray(strip) / 255)


def reading(top3):
    """The lines the pad shows for the top 3 guesses [(digit, probability), ...]."""
    first, others = analysis.top3_text(top3)
    return [f"LeNet reads: {first}", f"then {others}"]


class DigitPad(anywidget.AnyWidget):
    """Draw a digit and see what `model` (a course model: raw (N, 28, 28, 1) images in) reads."""

    _esm = ESM
    _css = CSS
    png = traitlets.Unicode("").tag(sync=True)  # the canvas at the last pen-up, a PNG data URL; "" blank
    top3 = traitlets.List([]).tag(sync=True)  # [[digit, probability], ...], likeliest first; [] none
    reading = traitlets.List(traitlets.Unicode(), []).tag(sync=True)  # the lines shown for top3
    message = traitlets.Unicode("").tag(sync=True)  # why nothing was read (a UserError's sentence)
    steps_png = traitlets.Unicode("").tag(sync=True)  # the preparation steps, a PNG data URL

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def __repr__(self):  # what a notebook shows where widgets do not render (GitHub, nbconvert)
        return "DigitPad: a drawing pad; run the notebook in JupyterLab, VS Code or Colab to draw on it"

    def show(self, image):
        """Read `image` (a grey array, 0-1 white paper, or a PNG data URL) as if it had been drawn."""
        self.png = image if isinstance(image, str) else data_url(image)

    @traitlets.observe("png")
    def _read(self, change):
        """A new drawing: prepare it, predict, and send the results (all at once) to the browser."""
        with self.hold_sync():
            self.top3, self.reading, self.message, self.steps_png = self.results(change["new"])

    def results(self, url):
        """(top3, reading, message, steps_png) for the drawing in `url`; all empty for a blank pad."""
        if not url:
            return [], [], "", ""
        try:
            steps = digits.preparation_steps(read_data_url(url))
        except UserError as error:
            return [], [], str(error), ""
        best, chances = analysis.top_k(digits.probabilities(self.model, steps["28x28"][None, ..., None]))
        top3 = [[int(d), float(p)] for d, p in zip(best[0], chances[0])]
        return top3, reading(top3), "", steps_picture(steps)
