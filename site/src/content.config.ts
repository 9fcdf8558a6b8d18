import { defineCollection, z } from 'astro:content';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';
import { glob } from 'astro/loaders';

export const collections = {
  docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
  // The pattern pages, read in place from the repository's patterns folder.
  patterns: defineCollection({
    loader: glob({
      pattern: '*/pattern.md',
      base: '../patterns',
      generateId: ({ entry }) => entry.split('/')[0]!,
    }),
    schema: z
      .object({
        slug: z.string(),
        title: z.string(),
        summary: z.string(),
        tags: z.array(z.string()).optional(),
      })
      .passthrough(),
  }),
};
