// The one way the charts size a canvas: CSS pixels for layout, device
// pixels for the bitmap (sharp on high-DPI screens), cleared, with a 2D
// context scaled so that drawing code works in CSS pixels.

export function sizedContext(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const g = canvas.getContext('2d');
  if (!g) return null;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  return g;
}
