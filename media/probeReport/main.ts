/**
 * Entry of the probe report webview (bundled into dist/probeReport.js): a table of a
 * prefill-consistency probe's split points. Every value is model or user text, put in as text nodes.
 */
import type { FromProbeReport, ProbePointView, ProbeReportView, ToProbeReport } from '../../src/webviews/webviewProtocol';
import { element, quoted } from '../loomView/textElements';
import { HostChannel } from '../loomView/vscodeApi';

const host = new HostChannel<FromProbeReport>();

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as ToProbeReport | null;
  if (typeof message === 'object' && message !== null && message.type === 'report') {
    render(message.report);
  }
});

function render(report: ProbeReportView): void {
  const heading = element('h1', report.title);
  const facts = document.createElement('dl');
  for (const [label, value] of report.facts) {
    facts.append(element('dt', label), element('dd', value));
  }
  const exportButton = element('button', 'Export as Markdown');
  exportButton.addEventListener('click', () => host.post({ type: 'exportMarkdown' }));
  document.body.replaceChildren(heading, facts, exportButton, table(report.points));
}

function table(points: readonly ProbePointView[]): HTMLTableElement {
  const table = document.createElement('table');
  const head = document.createElement('tr');
  for (const title of ['Split at', 'Prefill ends', 'Original continues', 'Model continued', 'Verdict']) {
    head.append(element('th', title));
  }
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const point of points) {
    const row = body.insertRow();
    row.className = point.verdict;
    const offset = element('button', String(point.offset));
    offset.title = 'Show this split point in the editor';
    offset.addEventListener('click', () => host.post({ type: 'reveal', offset: point.offset }));
    row.insertCell().append(offset);
    row.insertCell().append(quoted(point.prefillTail));
    row.insertCell().append(quoted(point.expected));
    const got = row.insertCell();
    point.got.forEach((text, i) => {
      if (i > 0) got.append(document.createElement('br'));
      got.append(quoted(text));
    });
    row.insertCell().append(element('span', point.verdict));
  }
  return table;
}

host.post({ type: 'ready' });
