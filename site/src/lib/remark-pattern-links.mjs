// Remark plugin for the pattern pages:
// - links between pattern files (`../saga/pattern.md`) become links to the site's pages;
// - Mermaid blocks become accessible, preformatted diagrams. Rendering Mermaid to SVG needs a
//   browser engine, which the build deliberately does without, so the diagram's text is shown
//   as it is written, with a caption saying what kind of diagram it is.

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
  const first = source.trim().split('\n')[0]?.trim() ?? '';
  const [keyword, direction] = first.split(/\s+/);
  const kind = KINDS[keyword] ?? 'Diagram';
  const reads = { LR: ', read left to right', TB: ', read top to bottom', TD: ', read top to bottom' }[
    direction
  ];
  return `${kind}${reads ?? ''}, in Mermaid notation`;
}

/** Rewrites `../<slug>/pattern.md` (with an optional #anchor) to `/patterns/<slug>/`. */
export function rewritePatternLink(url) {
  const match = /^(?:\.\.\/|\.\/\.\.\/)([a-z0-9-]+)\/pattern\.md(#.*)?$/.exec(url);
  return match ? `/patterns/${match[1]}/${match[2] ?? ''}` : url;
}

function walk(node, visit) {
  visit(node);
  if (Array.isArray(node.children)) for (const child of node.children) walk(child, visit);
}

export function remarkPatternLinks() {
  return (tree) => {
    walk(tree, (node) => {
      if ((node.type === 'link' || node.type === 'definition') && typeof node.url === 'string') {
        node.url = rewritePatternLink(node.url);
      } else if (node.type === 'code' && node.lang === 'mermaid') {
        const caption = describeMermaid(node.value);
        node.type = 'html';
        node.value =
          `<figure class="diagram"><pre class="diagram-source" tabindex="0" aria-label="${escapeHtml(caption)}"><code>` +
          `${escapeHtml(node.value)}</code></pre><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
        delete node.lang;
        delete node.meta;
      }
    });
  };
}
