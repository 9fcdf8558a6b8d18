// Expressive Code settings for the code blocks of the pattern pages.
import { defineEcConfig } from '@astrojs/starlight/expressive-code';

/** Code blocks scroll sideways on narrow screens, so keyboard users must be able to focus them. */
const focusableCode = {
  name: 'focusable-code',
  hooks: {
    postprocessRenderedBlock: ({ renderData }) => {
      const visit = (node) => {
        if (node.type === 'element' && node.tagName === 'pre')
          node.properties = { ...node.properties, tabindex: '0' };
        for (const child of node.children ?? []) visit(child);
      };
      visit(renderData.blockAst);
    },
  },
};

export default defineEcConfig({ plugins: [focusableCode] });
