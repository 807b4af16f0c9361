// Renders a model's evaluation in the webview. Message protocol: src/extension/training/evaluationProtocol.ts.
// Builds DOM nodes with textContent only (no innerHTML), so metric values cannot inject markup.
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const fmt = (v) => (v === undefined || v === null ? '–' : Number(v).toFixed(4));

  function table(headers, rows, cls) {
    return el('table', { class: cls || '' }, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))), el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => el(i === 0 ? 'th' : 'td', {}, c))))));
  }

  function render(msg) {
    root.replaceChildren();
    const head = el('header', {}, el('h1', {}, msg.model.displayName), el('code', {}, msg.model.name));
    if (msg.model.exportFormats.length) {
      const b = el('button', { id: 'export' }, `Export model (${msg.model.exportFormats.join(', ')})…`);
      b.addEventListener('click', () => vscode.postMessage({ type: 'export' }));
      head.append(b);
    } else head.append(el('p', { class: 'muted' }, 'This model type cannot be exported (served only within Google Cloud).'));
    root.append(head);
    let tables = 0;
    if (!msg.evaluations.length) root.append(el('p', {}, 'This model has no evaluations.'));
    for (const ev of msg.evaluations) {
      const sec = el('section', {}, el('h2', {}, ev.title || 'Evaluation'), el('p', { class: 'muted' }, ev.schema));
      if (ev.headline.length) {
        sec.append(table(['Metric', 'Value'], ev.headline.map((h) => [h.name, fmt(h.value)]), 'metrics'));
        tables++;
      }
      if (ev.confusion) {
        const { labels, rows } = ev.confusion;
        const max = Math.max(1, ...rows.flat());
        const t = table(['True \\ predicted', ...labels], rows.map((r, i) => [labels[i], ...r]), 'confusion');
        t.querySelectorAll('tbody td').forEach((td) => {
          const v = Number(td.textContent);
          td.style.setProperty('--w', String(v / max));
        });
        sec.append(el('h3', {}, 'Confusion matrix'), t);
        tables++;
      }
      if (ev.perLabel.length) {
        const hasPr = ev.perLabel.some((p) => p.precision !== undefined);
        sec.append(
          el('h3', {}, 'Per label'),
          hasPr
            ? table(['Label', 'Precision', 'Recall', 'F1'], ev.perLabel.map((p) => [p.label, fmt(p.precision), fmt(p.recall), fmt(p.f1)]), 'labels')
            : table(['Label', 'Average precision'], ev.perLabel.map((p) => [p.label, fmt(p.averagePrecision)]), 'labels'),
        );
        tables++;
      }
      root.append(sec);
    }
    vscode.postMessage({ type: 'rendered', tables });
  }

  window.addEventListener('message', (e) => {
    const msg = e.data;
    if (msg.type === 'evaluation') render(msg);
    else if (msg.type === 'error') root.replaceChildren(el('p', { class: 'error' }, msg.message));
  });
  vscode.postMessage({ type: 'ready' });
})();
