// Rehype plugin: wide tables scroll sideways inside the page column, and a scrolling region must
// be reachable from the keyboard, so every table in the content gets tabindex="0".
function walk(node, visit) {
  visit(node);
  if (Array.isArray(node.children)) for (const child of node.children) walk(child, visit);
}

export function rehypeFocusableTables() {
  return (tree) => {
    walk(tree, (node) => {
      if (node.type === 'element' && node.tagName === 'table') {
        node.properties = { ...node.properties, tabIndex: 0 };
      }
    });
  };
}
