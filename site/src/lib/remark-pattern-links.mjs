// Remark plugin for the pattern pages:
// - links between pattern files (`../saga/pattern.md`) become links to the site's pages;
// - Mermaid blocks become drawings: the SVG committed for the block's source (drawn ahead of
//   the build by scripts/render-diagrams.mjs, as the build runs without a browser engine) is
//   inlined in a captioned figure, with the Mermaid source kept beside it. A block without a
//   drawing is shown as captioned text, and the build warns about it.
import { committedDiagram, diagramHash } from './diagrams.mjs';

const KINDS = {
  flowchart: 'Flowchart',
  graph: 'Flowchart',
  sequenceDiagram: 'Sequence diagram',
  stateDiagram: 'State diagram',
  'stateDiagram-v2': 'State diagram',
  classDiagram: 'Class diagram',
  erDiagram: 'Entity-relationship diagram',
};

const escapeHtml = (text) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The caption of a Mermaid block: its kind and, for flows, the direction it reads in. */
export function describeMermaid(source) {
  return `${diagramKind(source)}, in Mermaid notation`;
}

/** What a diagram is: `Flowchart, read left to right`, `Sequence diagram`. */
export function diagramKind(source) {
  const first = source.trim().split('\n')[0]?.trim() ?? '';
  const [keyword, direction] = first.split(/\s+/);
  const kind = KINDS[keyword] ?? 'Diagram';
  const reads = { LR: ', read left to right', TB: ', read top to bottom', TD: ', read top to bottom' }[
    direction
  ];
  return `${kind}${reads ?? ''}`;
}

/** A Mermaid block as captioned, focusable text: what is shown when no drawing exists. */
export function textDiagram(source) {
  const caption = describeMermaid(source);
  return (
    `<figure class="diagram"><pre class="diagram-source" tabindex="0" aria-label="${escapeHtml(caption)}"><code>` +
    `${escapeHtml(source)}</code></pre><figcaption>${escapeHtml(caption)}</figcaption></figure>`
  );
}

/**
 * A drawn Mermaid block: the SVG as one image named by the kind of diagram, a caption, then
 * the source, folded, for anyone who wants the text or to copy it.
 */
export function drawnDiagram(source, svg) {
  const kind = diagramKind(source);
  const label = `${kind}; its Mermaid source follows`;
  // The drawing is one image to assistive technology: Mermaid's own document roles go, and the
  // label names it.
  const image = svg
    .trim()
    .replace(/^<svg\b[^>]*>/, (open) =>
      open
        .replace(/\s(?:role|aria-roledescription|aria-label|aria-labelledby)="[^"]*"/g, '')
        .replace(/^<svg/, `<svg role="img" aria-label="${escapeHtml(label)}" focusable="false"`),
    );
  return (
    `<figure class="diagram diagram-drawn">${image}` +
    `<figcaption>${escapeHtml(kind)}</figcaption>` +
    `<details class="diagram-text"><summary>Mermaid source of this ${escapeHtml(kindNoun(kind))}</summary>` +
    `<pre class="diagram-source" tabindex="0" aria-label="${escapeHtml(describeMermaid(source))}"><code>` +
    `${escapeHtml(source)}</code></pre></details></figure>`
  );
}

const kindNoun = (kind) => kind.split(',')[0].toLowerCase();

/** Rewrites `../<slug>/pattern.md` (with an optional #anchor) to `/patterns/<slug>/`. */
export function rewritePatternLink(url) {
  const match = /^(?:\.\.\/|\.\/\.\.\/)([a-z0-9-]+)\/pattern\.md(#.*)?$/.exec(url);
  return match ? `/patterns/${match[1]}/${match[2] ?? ''}` : url;
}

function walk(node, visit) {
  visit(node);
  if (Array.isArray(node.children)) for (const child of node.children) walk(child, visit);
}

/**
 * The remark plugin. `findDrawing(source)` gives the committed SVG for a block (or undefined);
 * `warn(message)` reports blocks without one.
 */
export function remarkPatternLinks({ findDrawing = committedDiagram, warn = console.warn } = {}) {
  return (tree, file) => {
    walk(tree, (node) => {
      if ((node.type === 'link' || node.type === 'definition') && typeof node.url === 'string') {
        node.url = rewritePatternLink(node.url);
      } else if (node.type === 'code' && node.lang === 'mermaid') {
        const svg = findDrawing(node.value);
        if (svg === undefined)
          warn(
            `[diagrams] ${file?.path ?? 'a page'}: no drawing for Mermaid block ${diagramHash(node.value)}; ` +
              'showing its text. Run `npm run diagrams -w @keel/site` and commit site/src/diagrams.',
          );
        node.type = 'html';
        node.value = svg === undefined ? textDiagram(node.value) : drawnDiagram(node.value, svg);
        delete node.lang;
        delete node.meta;
      }
    });
  };
}
