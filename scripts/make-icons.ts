// Draws the Teams app icons (manifest/color.png 192x192, manifest/outline.png 32x32): an envelope
// with a key-hole tick, white on the accent colour, and a white outline on transparency.
// Run: npx tsx scripts/make-icons.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

type Rgba = [number, number, number, number];

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** An envelope outline in a unit box (0..1), stroke width `w` in the same units. */
function onEnvelope(x: number, y: number, w: number): boolean {
  const left = 0.18, right = 0.82, top = 0.3, bottom = 0.72;
  const edges: [number, number, number, number][] = [
    [left, top, right, top],
    [right, top, right, bottom],
    [right, bottom, left, bottom],
    [left, bottom, left, top],
    [left, top, 0.5, 0.53],
    [0.5, 0.53, right, top],
  ];
  return edges.some(([ax, ay, bx, by]) => distanceToSegment(x, y, ax, ay, bx, by) <= w / 2);
}

function draw(size: number, background: Rgba, foreground: Rgba, stroke: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const pixels = png.data;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      const color = onEnvelope(u, v, stroke) ? foreground : background;
      pixels.set(color, (y * size + x) * 4);
    }
  }
  return PNG.sync.write(png, { colorType: 6 });
}

const dir = fileURLToPath(new URL('../manifest/', import.meta.url));
writeFileSync(`${dir}color.png`, draw(192, [0x2f, 0x55, 0x97, 255], [255, 255, 255, 255], 0.06));
writeFileSync(`${dir}outline.png`, draw(32, [0, 0, 0, 0], [255, 255, 255, 255], 0.08));
console.log('wrote manifest/color.png and manifest/outline.png');
