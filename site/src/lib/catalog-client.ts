/** Reads the catalog that CatalogData.astro embedded in the page. */
import type { Catalog } from '../../../patterns/catalog.ts';

export type { Catalog };

export function readCatalog(): Catalog {
  const element = document.getElementById('catalog-data');
  if (!element?.textContent) throw new Error('catalog data missing from the page');
  return JSON.parse(element.textContent) as Catalog;
}

/** Escapes text for insertion into HTML. */
export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
