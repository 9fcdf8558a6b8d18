/**
 * A small force-directed layout for the relationships graph: nodes repel each other, edges pull
 * their ends together, and a weak pull toward each family's anchor keeps families grouped.
 * Seeded and run for a fixed number of steps, so the same catalog always gives the same picture.
 */
import { seededRandom } from '@keel/core/random';

export interface LayoutNode {
  readonly id: string;
  /** Nodes of one group are pulled toward a shared anchor. */
  readonly group: string;
}

export interface LayoutEdge {
  readonly source: string;
  readonly target: string;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LayoutOptions {
  readonly width: number;
  readonly height: number;
  readonly iterations?: number;
  readonly seed?: number;
  /** Margin kept free at the borders. */
  readonly padding?: number;
}

/** Positions for every node, inside the box given by the options. */
export function forceLayout(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions,
): Map<string, Point> {
  const { width, height, iterations = 400, seed = 7, padding = 40 } = options;
  const random = seededRandom(seed);
  const groups = [...new Set(nodes.map((n) => n.group))];
  // Group anchors sit on an ellipse around the centre.
  const anchors = new Map(
    groups.map((g, i) => {
      const angle = (2 * Math.PI * i) / groups.length - Math.PI / 2;
      return [
        g,
        { x: width / 2 + (width / 3) * Math.cos(angle), y: height / 2 + (height / 3) * Math.sin(angle) },
      ];
    }),
  );
  const pos = nodes.map((n) => {
    const a = anchors.get(n.group)!;
    return { x: a.x + (random.next() - 0.5) * 60, y: a.y + (random.next() - 0.5) * 60, vx: 0, vy: 0 };
  });
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const links = edges
    .map((e) => [index.get(e.source), index.get(e.target)] as const)
    .filter((l): l is readonly [number, number] => l[0] !== undefined && l[1] !== undefined);
  const ideal = Math.sqrt((width * height) / Math.max(1, nodes.length)) * 0.62;

  for (let step = 0; step < iterations; step++) {
    const heat = 1 - step / iterations;
    for (let i = 0; i < pos.length; i++) {
      const a = pos[i]!;
      for (let j = i + 1; j < pos.length; j++) {
        const b = pos[j]!;
        let dx = a.x - b.x;
        let dy = a.y - b.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 0.01) {
          dx = random.next() - 0.5;
          dy = random.next() - 0.5;
          d2 = 0.01;
        }
        const force = (ideal * ideal) / d2;
        a.vx += dx * force * 0.02;
        a.vy += dy * force * 0.02;
        b.vx -= dx * force * 0.02;
        b.vy -= dy * force * 0.02;
      }
    }
    for (const [s, t] of links) {
      const a = pos[s]!;
      const b = pos[t]!;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.sqrt(dx * dx + dy * dy) || 1;
      const pull = ((d - ideal) / d) * 0.04;
      a.vx += dx * pull;
      a.vy += dy * pull;
      b.vx -= dx * pull;
      b.vy -= dy * pull;
    }
    for (let i = 0; i < pos.length; i++) {
      const p = pos[i]!;
      const anchor = anchors.get(nodes[i]!.group)!;
      p.vx += (anchor.x - p.x) * 0.02;
      p.vy += (anchor.y - p.y) * 0.02;
      const speed = Math.sqrt(p.vx * p.vx + p.vy * p.vy);
      const limit = 30 * heat + 1;
      if (speed > limit) {
        p.vx *= limit / speed;
        p.vy *= limit / speed;
      }
      p.x = Math.min(width - padding, Math.max(padding, p.x + p.vx));
      p.y = Math.min(height - padding, Math.max(padding, p.y + p.vy));
      p.vx *= 0.5;
      p.vy *= 0.5;
    }
  }
  return new Map(nodes.map((n, i) => [n.id, { x: Math.round(pos[i]!.x), y: Math.round(pos[i]!.y) }]));
}
