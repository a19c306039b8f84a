import type { CatalogEntity } from '../adapters/catalog/embedded-catalog';
import { summariseCatalog } from './catalog-summary';

const html = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** The embedded catalog as a page of the local HTTP server (`/catalog`; `/catalog.json` for scripts). */
export const catalogPage = (entities: CatalogEntity[]): string => {
  const rows = summariseCatalog(entities);
  const body = rows.length
    ? rows
        .map(
          (row) => `<tr${row.removed ? ' class="removed"' : ''}>
<td>${html(row.entityType)}</td><td><b>${html(row.name)}</b>${row.removed ? ' (deprecated)' : ''}<br><small>${html(row.urn)}</small></td>
<td>${html(row.description ?? '')}</td><td>${html(row.owners.join(', '))}</td><td>${html(row.domains.join(', '))}</td>
<td>${html(row.columns.join(', '))}</td><td>${row.rows ?? ''}</td><td>${html(row.assets.join('<br>'))}</td></tr>`,
        )
        .join('\n')
    : '<tr><td colspan="8">No products yet: register one (see the README walkthrough).</td></tr>';
  return `<!doctype html><meta charset="utf-8"><title>Catalog — data mesh (local)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}.removed{color:#888}</style>
<h1>Catalog (embedded: the proposals DataHub would receive)</h1>
<p><a href="/catalog.json">JSON</a> · set <code>DATAHUB_GMS_URL</code> to send them to a DataHub instead.</p>
<table><tr><th>type</th><th>name</th><th>description</th><th>owners</th><th>domain</th><th>columns</th><th>rows</th><th>assets</th></tr>
${body}
</table>`;
};
