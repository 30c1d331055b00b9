/**
 * The few icons the view draws, as 16×16 SVG paths in the codicon manner (1px strokes in the
 * current colour). Codicons are a font the webview cannot load offline, so these ship in the bundle
 * and are built with DOM calls: no markup, no external fonts.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

const PATHS = {
  chevronRight: 'M6 3.5 10.5 8 6 12.5',
  chevronDown: 'M3.5 6 8 10.5 12.5 6',
  model: 'M8 1.5 9.4 6.6 14.5 8 9.4 9.4 8 14.5 6.6 9.4 1.5 8 6.6 6.6Z',
  user: 'M2.5 13.5 3.3 10.2 10.6 2.9a1.3 1.3 0 0 1 1.9 0l.6.6a1.3 1.3 0 0 1 0 1.9L5.8 12.7Z M9.5 4 12 6.5',
  root: 'M3.5 1.5h6l3 3v10h-9Z M9.5 1.5v3h3 M5.5 8h5 M5.5 10.5h5',
  bookmark: 'M8 1.8 9.9 5.7 14.2 6.3 11.1 9.3 11.8 13.6 8 11.6 4.2 13.6 4.9 9.3 1.8 6.3 6.1 5.7Z',
  copy: 'M5.5 5.5h8v9h-8Z M3.5 10.5h-1v-9h8v1',
  request: 'M5.5 2.5c-1.5 0-1.5 1-1.5 2.5S3.5 7.5 2.5 8c1 .5 1.5 1.5 1.5 3s0 2.5 1.5 2.5 M10.5 2.5c1.5 0 1.5 1 1.5 2.5s.5 2.5 1.5 3c-1 .5-1.5 1.5-1.5 3s0 2.5-1.5 2.5',
  regenerate: 'M13 8a5 5 0 1 1-1.6-3.7 M12 1.5v3h-3',
  alternatives: 'M4.5 2v12 M4.5 9.5c0-3 7-2.5 7-5.5 M11.5 2v2',
  delete: 'M2.5 4.5h11 M6 4.5V2.5h4v2 M4 4.5l.8 9.5h6.4l.8-9.5',
  hoist: 'M8 14V3.5 M3.5 7.5 8 3l4.5 4.5 M2.5 1.5h11',
  streaming: 'M8 5a3 3 0 1 1 0 6a3 3 0 1 1 0-6Z',
  failed: 'M8 1.5 14.5 13.5h-13Z M8 6v4 M8 11.5v.5',
  sample: 'M2.5 13.5h11 M4.5 13.5v-4 M8 13.5v-9 M11.5 13.5v-6',
  cancelled: 'M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 1 1 0-13Z M3.5 3.5l9 9',
} as const;

export type IconName = keyof typeof PATHS;

/** Icons whose shape reads better filled than outlined. */
const FILLED: ReadonlySet<IconName> = new Set(['model', 'bookmark', 'streaming']);

const templates = new Map<IconName, SVGSVGElement>();

/** A new SVG element for the icon (decorative: hidden from assistive technology). */
export function icon(name: IconName): SVGSVGElement {
  let template = templates.get(name);
  if (!template) {
    template = document.createElementNS(SVG_NS, 'svg');
    template.setAttribute('viewBox', '0 0 16 16');
    template.setAttribute('width', '16');
    template.setAttribute('height', '16');
    template.setAttribute('aria-hidden', 'true');
    template.setAttribute('focusable', 'false');
    template.classList.add('icon', `icon-${name}`);
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', PATHS[name]);
    template.append(path);
    if (FILLED.has(name)) {
      template.classList.add('filled');
    }
    templates.set(name, template);
  }
  return template.cloneNode(true) as SVGSVGElement;
}
