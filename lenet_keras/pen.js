// Drawing a digit with the mouse, a pen or a finger: black strokes 20 pixels wide on a white canvas
// (280x280, ten times MNIST's 28). One copy for the notebook's drawing pad (widgets.py puts it in
// the widget's module) and the web page (web/page.js imports it).

export function blank(pen) {
  pen.fillStyle = "white";
  pen.fillRect(0, 0, pen.canvas.width, pen.canvas.height);
}

// Let the user draw on `canvas`; call `strokeEnded()` at each pen-up. Returns the canvas's 2D context.
export function attachPen(canvas, strokeEnded) {
  const pen = canvas.getContext("2d", { willReadFrequently: true });
  const at = (e) => { // canvas pixels under the pointer: inside the border, scaled as the page shows it
    const box = canvas.getBoundingClientRect();
    return [(e.clientX - box.left - canvas.clientLeft) * canvas.width / canvas.clientWidth,
            (e.clientY - box.top - canvas.clientTop) * canvas.height / canvas.clientHeight];
  };
  let last = null;
  const line = (to) => {
    Object.assign(pen, { strokeStyle: "black", lineWidth: 20, lineCap: "round", lineJoin: "round" });
    pen.beginPath();
    pen.moveTo(...last);
    pen.lineTo(...to);
    pen.stroke();
    last = to;
  };
  canvas.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    line(last); // a dot, if the pen does not move
  });
  canvas.addEventListener("pointermove", (e) => { if (last) line(at(e)); });
  const up = () => {
    if (!last) return;
    last = null;
    strokeEnded();
  };
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", up);
  return pen;
}
