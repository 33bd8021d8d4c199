// 驾驶舱: every figure on this page is what GET /totals (and, for 来源、流程、高发, GET /cases/analysis) answers the
// signed-in user for the filters in the address bar (the session cookie authenticates the requests; the API applies the
// user's role and region). Amounts arrive as exact yuan strings and are shown in 万元 by integer arithmetic; the exact
// yuan is in each figure's tooltip and in the CSV.
import * as echarts from './echarts.esm.min.mjs';
import { change, el, fen, fillKindSelects, getJson, grouped, KINDS, showFailure, signedIn, wan, yuanText } from './common.js';

const FIGURES = [
  { key: 'cases', label: '案件数', unit: '件' },
  { key: 'case_value', label: '案值', money: true },
  { key: 'fines', label: '罚款', money: true },
  { key: 'confiscations', label: '没收', money: true },
  { key: 'fines_and_confiscations', label: '罚没金额', money: true },
  { key: 'transferred_to_police', label: '移送公安', unit: '件' },
];
const CALIBERS = { closed: '结案口径（按结案日期统计）', decided: '决定口径（按处罚决定日期统计）', filed: '立案口径（按立案日期统计）' };
// `trend` is the page's own (months or quarters for 环比 and 同比); the others are GET /totals' parameters.
const FILTERS = ['region', 'from', 'to', 'kind', 'campaign', 'flag', 'caliber', 'as_of', 'trend'];
const TOTALS_FILTERS = FILTERS.filter(name => name !== 'trend');
const SHANGHAI = '+08:00';
const charts = [];

/** A line's figure as an exact integer: fen for money, else the count. */
function valueOf(line, figure) { return figure.money ? fen(line[figure.key]) : BigInt(line[figure.key]); }

// --- the filters, in the address bar -------------------------------------------------------------------------------
function shanghaiToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
function readFilters() {
  const url = new URLSearchParams(location.search);
  const today = shanghaiToday();
  const f = Object.fromEntries(FILTERS.map(name => [name, url.get(name) ?? '']));
  if (!f.from) f.from = `${today.slice(0, 4)}-01-01`;
  if (!f.to) f.to = today;
  if (!f.caliber) f.caliber = 'closed';
  if (f.trend !== 'quarter') f.trend = '';
  return f;
}
function addressOf(filters) {
  const q = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) q.set(name, filters[name]);
  return `/ui/cockpit?${q}`;
}
function fillForm(form, filters) {
  for (const name of FILTERS) {
    const input = form.elements.namedItem(name);
    if (!input) continue;
    if (name === 'as_of') {
      const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?\+08:00$/.exec(filters.as_of);
      input.value = m ? m[1] : '';
    } else input.value = filters[name];
  }
}
function formFilters(form, current) {
  const data = new FormData(form);
  const f = { ...current };
  for (const name of FILTERS) if (data.has(name)) f[name] = String(data.get(name)).trim();
  f.as_of = f.as_of ? `${f.as_of}${SHANGHAI}` : '';
  return f;
}

// --- regions ---------------------------------------------------------------------------------------------------------
// Names learned from the API's labels ("150100 呼和浩特市"), kept for the breadcrumb of this tab; not secrets.
const names = new Map(JSON.parse(sessionStorage.getItem('ledger-region-names') ?? '[]'));
function learn(label) {
  const m = /^(\d{6}) (.+)$/.exec(label ?? '');
  if (m) names.set(m[1], m[2]);
}
function saveNames() { sessionStorage.setItem('ledger-region-names', JSON.stringify([...names])); }
function ancestors(region) {
  if (!/^\d{6}$/.test(region)) return [];
  const chain = [`${region.slice(0, 2)}0000`, `${region.slice(0, 4)}00`, region];
  return chain.filter((code, i) => chain.indexOf(code) === i);
}
/** True when the user's scope ("national" or a code) reaches region (as the API's region scope does). */
function reaches(scope, region) {
  return scope === 'national' || ancestors(region).includes(scope);
}

function totals(filters, extra) {
  const q = new URLSearchParams();
  for (const name of TOTALS_FILTERS) if (filters[name]) q.set(name, filters[name]);
  for (const [name, value] of Object.entries(extra)) q.set(name, value);
  return getJson(`/totals?${q}`);
}

// --- rendering -------------------------------------------------------------------------------------------------------
function figureCell(line, figure) {
  if (!figure.money) return el('td', { 'data-figure': figure.key, 'data-value': line[figure.key] }, grouped(String(line[figure.key])));
  return el('td', { 'data-figure': figure.key, 'data-yuan': line[figure.key], title: yuanText(line[figure.key]) }, wan(line[figure.key]));
}
function headerRow(first, extra = []) {
  return el('tr', {}, el('th', { scope: 'col' }, first),
    ...FIGURES.map(f => el('th', { scope: 'col' }, f.money ? `${f.label}（万元）` : `${f.label}（${f.unit}）`)),
    ...extra.map(text => el('th', { scope: 'col' }, text)));
}

function renderHeadline(total) {
  const list = document.getElementById('headline');
  list.replaceChildren(...FIGURES.map(f => el('div', { 'data-figure': f.key },
    el('dt', {}, f.label),
    f.money
      ? el('dd', { 'data-yuan': total[f.key], title: yuanText(total[f.key]) }, wan(total[f.key]), el('small', {}, '万元'))
      : el('dd', { 'data-value': total[f.key] }, grouped(String(total[f.key])), el('small', {}, f.unit)))));
}

function csvOf(header, rows) {
  const quote = value => /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  return '\ufeff' + [header, ...rows].map(row => row.map(v => quote(String(v))).join(',')).join('\r\n') + '\r\n';
}
function tools(panel, name, chart, header, rows) {
  const box = document.querySelector(`[data-panel="${panel}"] .tools`);
  const csv = el('a', { download: `${name}.csv`, href: URL.createObjectURL(new Blob([csvOf(header, rows)], { type: 'text/csv' })) }, '下载 CSV');
  const png = el('a', { download: `${name}.png`, href: '#' }, '保存图表 PNG');
  png.addEventListener('click', () => { png.href = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }); });
  box.replaceChildren(csv, png);
}
const EXACT_COLUMNS = ['cases', 'case_value', 'fines', 'confiscations', 'fines_and_confiscations', 'transferred_to_police'];
const EXACT_HEADER = ['案件数', '案值（元）', '罚款（元）', '没收（元）', '罚没金额（元）', '移送公安'];

function chart(id) {
  const node = document.getElementById(id);
  const existing = echarts.getInstanceByDom(node);
  if (existing) existing.dispose();
  const c = echarts.init(node, null, { renderer: 'canvas' });
  charts.push(c);
  return c;
}
function barOption(labels, series, onAxis = '案件数（件）') {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 60, top: 30, bottom: 60, containLabel: false },
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 } },
    yAxis: [{ type: 'value', name: onAxis, minInterval: 1 }, ...(series.some(s => s.yAxisIndex === 1) ? [{ type: 'value', name: '万元' }] : [])],
    series,
  };
}
// Chart geometry only: the figures printed are the exact strings above.
function wanNumber(yuan) { return Number(wan(yuan)); }

function renderRegions(report, filters) {
  const here = report.region ?? '';
  const lines = [...report.lines].sort((a, b) => b.cases - a.cases || a.key.localeCompare(b.key));
  lines.forEach(l => learn(l.label));
  const labelOf = l => l.key === here ? `${l.label.replace(/^\d{6} /, '')}（本级）` : l.label.replace(/^\d{6} /, '');
  const drillable = l => /^\d{6}$/.test(l.key) && l.key !== here;
  const table = document.getElementById('regions-table');
  table.replaceChildren(el('thead', {}, headerRow('区域')), el('tbody', {}, ...lines.map(l => el('tr', { 'data-key': l.key },
    el('th', { scope: 'row' }, drillable(l) ? el('a', { href: addressOf({ ...filters, region: l.key }), 'data-drill': l.key }, labelOf(l)) : labelOf(l)),
    ...FIGURES.map(f => figureCell(l, f))))));
  const c = chart('regions-chart');
  c.setOption(barOption(lines.map(labelOf), [
    { name: '案件数', type: 'bar', data: lines.map(l => l.cases) },
    { name: '罚没金额（万元）', type: 'bar', yAxisIndex: 1, data: lines.map(l => wanNumber(l.fines_and_confiscations)) },
  ]));
  c.on('click', params => { const line = lines[params.dataIndex]; if (line && drillable(line)) location.assign(addressOf({ ...filters, region: line.key })); });
  tools('regions', `区域分析-${here || 'national'}-${filters.from}-${filters.to}`, c, ['代码', '区域', ...EXACT_HEADER],
    lines.map(l => [l.key, l.label.replace(/^\d{6} /, ''), ...EXACT_COLUMNS.map(k => l[k])]));
}

function renderKinds(report, filters) {
  const lines = [...report.lines].sort((a, b) => b.cases - a.cases || a.key.localeCompare(b.key));
  const table = document.getElementById('kinds-table');
  table.replaceChildren(el('thead', {}, headerRow('案件类型')), el('tbody', {}, ...lines.map(l => el('tr', { 'data-key': l.key },
    el('th', { scope: 'row' }, l.label.replace(/^[a-z_]+ /, '')), ...FIGURES.map(f => figureCell(l, f))))));
  const c = chart('kinds-chart');
  c.setOption({
    animation: false,
    tooltip: { trigger: 'item', formatter: p => `${p.name}：${p.value} 件（${p.percent}%）` },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
    series: [{ type: 'pie', radius: ['35%', '70%'], center: ['35%', '50%'], data: lines.map(l => ({ name: l.label.replace(/^[a-z_]+ /, ''), value: l.cases })) }],
  });
  tools('kinds', `类型分析-${filters.region || 'national'}-${filters.from}-${filters.to}`, c, ['类型代码', '类型', ...EXACT_HEADER],
    lines.map(l => [l.key, l.label.replace(/^[a-z_]+ /, ''), ...EXACT_COLUMNS.map(k => l[k])]));
}

// 罚没金额 by the provision each fine or confiscation was imposed under (GET /totals?by=provision): the amounts split
// exactly; a case fined under two laws is on both lines. The label is the API's without its key ("trademark-infringement …").
function provisionName(line) {
  if (line.key === 'none') return '无罚没（警告、不予处罚、移送等）';
  if (line.key === 'unstated') return '未载明条款';
  return line.label.replace(/^[a-z-]+ /, '');
}
function renderProvisions(report, filters) {
  const lines = [...report.lines].sort((a, b) => Number(b.fines_and_confiscations) - Number(a.fines_and_confiscations) || a.key.localeCompare(b.key));
  const table = document.getElementById('provisions-table');
  table.replaceChildren(el('thead', {}, headerRow('依据')), el('tbody', {}, ...lines.map(l => el('tr', { 'data-key': l.key },
    el('th', { scope: 'row' }, provisionName(l)), ...FIGURES.map(f => figureCell(l, f))))));
  const money = lines.filter(l => l.key !== 'none');
  const c = chart('provisions-chart');
  const option = barOption(money.map(provisionName), [
    { name: '罚没金额（万元）', type: 'bar', data: money.map(l => wanNumber(l.fines_and_confiscations)) },
  ], '万元');
  // A family's citations are long ("商标法实施条例(2002)第五十二条、商标法第六十条第二款"): wrapped under their bar.
  c.setOption({ ...option, xAxis: { ...option.xAxis, axisLabel: { interval: 0, width: 220, overflow: 'break' } } });
  tools('provisions', `依据分析-${filters.region || 'national'}-${filters.from}-${filters.to}`, c, ['依据代码', '依据', ...EXACT_HEADER],
    lines.map(l => [l.key, provisionName(l), ...EXACT_COLUMNS.map(k => l[k])]));
}

function renderMonthOnMonth(report, filters, unit) {
  const lines = report.lines;
  const cases = FIGURES[0], money = FIGURES[4];
  const table = document.getElementById('mom-table');
  table.replaceChildren(el('thead', {}, headerRow(unit, ['案件数环比', '罚没金额环比'])), el('tbody', {}, ...lines.map((l, i) => {
    const before = i > 0 ? lines[i - 1] : null;
    const byCases = before ? change(valueOf(l, cases), valueOf(before, cases)) : { text: '—' };
    const byMoney = before ? change(valueOf(l, money), valueOf(before, money)) : { text: '—' };
    return el('tr', { 'data-key': l.key }, el('th', { scope: 'row' }, l.label), ...FIGURES.map(f => figureCell(l, f)),
      el('td', { class: byCases.up ? 'up' : null, 'data-change': 'cases' }, byCases.text),
      el('td', { class: byMoney.up ? 'up' : null, 'data-change': 'fines_and_confiscations' }, byMoney.text));
  })));
  const c = chart('mom-chart');
  c.setOption({ ...barOption(lines.map(l => l.label), [
    { name: '案件数', type: 'bar', data: lines.map(l => l.cases) },
    { name: '罚没金额（万元）', type: 'line', yAxisIndex: 1, data: lines.map(l => wanNumber(l.fines_and_confiscations)) },
  ]) });
  tools('mom', `环比分析-${filters.region || 'national'}-${filters.from}-${filters.to}`, c, [unit, ...EXACT_HEADER],
    lines.map(l => [l.key, ...EXACT_COLUMNS.map(k => l[k])]));
}

function renderYearOnYear(report, filters, unit) {
  const lines = report.lines;
  const table = document.getElementById('yoy-table');
  const same = unit === '季度' ? '上年同季' : '上年同月';
  table.replaceChildren(el('thead', {}, el('tr', {}, ...[unit, '案件数（件）', `${same}（件）`, '同比', '罚没金额（万元）', `${same}（万元）`, '同比']
    .map(t => el('th', { scope: 'col' }, t)))), el('tbody', {}, ...lines.map(l => {
    const byCases = change(l.cases, l.compared.cases);
    const byMoney = change(fen(l.fines_and_confiscations), fen(l.compared.fines_and_confiscations));
    return el('tr', { 'data-key': l.key }, el('th', { scope: 'row' }, l.label),
      el('td', { 'data-value': l.cases }, grouped(String(l.cases))),
      el('td', { 'data-value': l.compared.cases }, grouped(String(l.compared.cases))),
      el('td', { class: byCases.up ? 'up' : null }, byCases.text),
      el('td', { 'data-yuan': l.fines_and_confiscations, title: yuanText(l.fines_and_confiscations) }, wan(l.fines_and_confiscations)),
      el('td', { 'data-yuan': l.compared.fines_and_confiscations, title: yuanText(l.compared.fines_and_confiscations) }, wan(l.compared.fines_and_confiscations)),
      el('td', { class: byMoney.up ? 'up' : null }, byMoney.text));
  })));
  const c = chart('yoy-chart');
  c.setOption(barOption(lines.map(l => l.label), [
    { name: '案件数', type: 'bar', data: lines.map(l => l.cases) },
    { name: same, type: 'bar', data: lines.map(l => l.compared.cases) },
  ]));
  tools('yoy', `同比分析-${filters.region || 'national'}-${filters.from}-${filters.to}`, c,
    [unit, '案件数', `${same}案件数`, '罚没金额（元）', `${same}罚没金额（元）`],
    lines.map(l => [l.key, l.cases, l.compared.cases, l.fines_and_confiscations, l.compared.fines_and_confiscations]));
}

const SOURCES = { inspection: '检查发现', complaint: '投诉', report: '举报', transfer: '移送', assignment: '上级交办', request: '当事人请求（纠纷）' };
const FLOW = [
  ['leads', '登记线索'], ['not_filed', '不予立案'], ['leads_transferred', '线索移送'], ['filed', '立案'], ['penalties', '处罚决定'],
  ['no_penalties', '不予处罚'], ['transferred_to_police', '移送公安'], ['transferred_elsewhere', '移送其他机关'],
  ['disputes_settled', '纠纷裁决或调解'], ['closed', '结案'], ['open', '办理中'],
];
const DEADLINES = {
  filing: '立案期限', decision: '决定期限', service: '送达期限', payment: '缴款期限', goods: '查封扣押期限', acceptance: '受理期限',
  answer: '答辩期限', hearing: '听证期限',
};
function countTable(id, first, rows, cell = r => r.label) {
  document.getElementById(id).replaceChildren(
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, first), el('th', { scope: 'col' }, '案件数（件）'))),
    el('tbody', {}, ...rows.map(r => el('tr', { 'data-key': r.key }, el('th', { scope: 'row' }, cell(r)), el('td', { 'data-value': r.cases }, grouped(String(r.cases)))))));
}

function renderAnalysis(analysis, filters) {
  const scope = filters.region || 'national';
  const sources = analysis.sources.map(s => ({ ...s, label: SOURCES[s.key] ?? s.key }));
  countTable('sources-table', '来源', sources);
  const sourcesChart = chart('sources-chart');
  sourcesChart.setOption({
    animation: false, tooltip: { trigger: 'item', formatter: p => `${p.name}：${p.value} 件（${p.percent}%）` },
    legend: { orient: 'vertical', right: 0, top: 'middle' },
    series: [{ type: 'pie', radius: ['35%', '70%'], center: ['35%', '50%'], data: sources.map(s => ({ name: s.label, value: s.cases })) }],
  });
  tools('sources', `来源分析-${scope}-${filters.from}-${filters.to}`, sourcesChart, ['来源代码', '来源', '案件数'], sources.map(s => [s.key, s.label, s.cases]));

  const flow = FLOW.map(([key, label]) => ({ key, label, cases: analysis.flow[key] }));
  countTable('flow-table', '环节', flow);
  const flowChart = chart('flow-chart');
  flowChart.setOption({ ...barOption(flow.map(f => f.label), [{ name: '案件数', type: 'bar', data: flow.map(f => f.cases) }]), legend: { show: false } });
  const deadlineLabel = name => DEADLINES[name] ?? (/^instalment (\d+)$/.exec(name) ? `分期缴款第 ${name.slice(11)} 期` : name);
  const deadlines = analysis.deadlines.map(d => ({ ...d, label: deadlineLabel(d.name) }));
  document.getElementById('deadlines-table').replaceChildren(
    el('thead', {}, el('tr', {}, ...['期限', '按期完成', '逾期完成', '已逾期', '未到期'].map(t => el('th', { scope: 'col' }, t)))),
    el('tbody', {}, ...deadlines.map(d => el('tr', { 'data-key': d.name }, el('th', { scope: 'row' }, d.label),
      ...['met', 'met_late', 'overdue', 'pending'].map(k => el('td', { 'data-status': k, class: (k === 'overdue' || k === 'met_late') && d[k] > 0 ? 'up' : null }, grouped(String(d[k]))))))));
  const deadlinesChart = chart('deadlines-chart');
  deadlinesChart.setOption({
    ...barOption(deadlines.map(d => d.label), [['met', '按期完成'], ['met_late', '逾期完成'], ['overdue', '已逾期'], ['pending', '未到期']]
      .map(([k, name]) => ({ name, type: 'bar', stack: 'all', data: deadlines.map(d => d[k]) }))),
  });
  tools('flow', `流程分析-${scope}-${filters.from}-${filters.to}`, flowChart, ['类别', '代码', '名称', '案件数', '按期完成', '逾期完成', '已逾期', '未到期'], [
    ...flow.map(f => ['环节', f.key, f.label, f.cases, '', '', '', '']),
    ...deadlines.map(d => ['期限', d.name, d.label, '', d.met, d.met_late, d.overdue, d.pending])]);

  const regions = analysis.high_incidence.regions.map(r => ({ ...r, label: r.label.replace(/^\d{6} /, '') }));
  countTable('high-regions-table', '区域（前十）', regions, r => r.key !== filters.region && r.key !== ''
    ? el('a', { href: addressOf({ ...filters, region: r.key }), 'data-drill': r.key }, r.label) : r.label);
  countTable('high-kinds-table', '案件类型', analysis.high_incidence.kinds.map(k => ({ ...k, label: KINDS[k.key] ?? k.key })));
  const marks = analysis.high_incidence.marks.map(m => ({ ...m, label: m.key }));
  countTable('high-marks-table', '被侵权商标（前十）', marks);
  const marksChart = chart('marks-chart');
  marksChart.setOption({ ...barOption(marks.map(m => m.label), [{ name: '案件数', type: 'bar', data: marks.map(m => m.cases) }]), legend: { show: false } });
  tools('high', `高发分析-${scope}-${filters.from}-${filters.to}`, marksChart, ['类别', '键', '名称', '案件数'], [
    ...analysis.high_incidence.regions.map(r => ['区域', r.key, r.label, r.cases]),
    ...analysis.high_incidence.kinds.map(k => ['类型', k.key, KINDS[k.key] ?? k.key, k.cases]),
    ...marks.map(m => ['商标', m.key, m.key, m.cases])]);
  document.getElementById('analysis-basis').textContent =
    `来源、流程、高发分析：${analysis.from} 至 ${analysis.to} 登记的线索 ${analysis.flow.leads} 件，按其现处环节统计（截至 ${analysis.today}${filters.as_of ? '；不随“截至”时刻回溯' : ''}）。`;
}

function renderBreadcrumb(session, report, filters) {
  const nav = document.getElementById('breadcrumb');
  const here = report.region ?? '';
  learn(report.region_name);
  const steps = [];
  if (session.scope === 'national') steps.push({ code: '', name: '全国' });
  for (const code of ancestors(here)) if (reaches(session.scope, code)) steps.push({ code, name: names.get(code) ?? code });
  nav.replaceChildren(...steps.flatMap((step, i) => {
    const last = i === steps.length - 1;
    const node = last ? el('span', { 'aria-current': 'page' }, step.name)
      : el('a', { href: addressOf({ ...filters, region: step.code }), 'data-region': step.code || 'national' }, step.name);
    return i === 0 ? [node] : [el('span', { class: 'sep', 'aria-hidden': 'true' }, '›'), node];
  }));
}

async function main() {
  const status = document.getElementById('status');
  const report = document.getElementById('report');
  const form = document.getElementById('filters');
  fillKindSelects();
  const filters = readFilters();
  fillForm(form, filters);
  form.addEventListener('submit', event => { event.preventDefault(); location.assign(addressOf(formFilters(form, filters))); });
  window.addEventListener('resize', () => charts.forEach(c => c.resize()));
  try {
    const session = await signedIn();
    const step = filters.trend === 'quarter' ? 'quarter' : 'month';
    const unit = step === 'quarter' ? '季度' : '月份';
    document.getElementById('mom-note').textContent = step === 'quarter' ? '按季度，与上季度相比' : '按月，与上月相比';
    document.getElementById('yoy-note').textContent = step === 'quarter' ? '按季度，与上年同季度相比' : '按月，与上年同月相比';
    const analysisQuery = new URLSearchParams();
    for (const name of ['region', 'from', 'to', 'kind', 'campaign', 'flag']) if (filters[name]) analysisQuery.set(name, filters[name]);
    const [byRegion, byKind, byProvision, byMonth, yearOnYear, analysis] = await Promise.all([
      totals(filters, { by: 'region' }),
      totals(filters, { by: 'kind' }),
      totals(filters, { by: 'provision' }),
      totals(filters, { by: step }),
      totals(filters, { by: step, compare: 'previous-year' }),
      getJson(`/cases/analysis?${analysisQuery}`),
    ]);
    report.hidden = false;
    renderBreadcrumb(session, byRegion, filters);
    renderHeadline(byRegion.total);
    renderRegions(byRegion, filters);
    renderKinds(byKind, filters);
    renderProvisions(byProvision, filters);
    renderMonthOnMonth(byMonth, filters, unit);
    renderYearOnYear(yearOnYear, filters, unit);
    renderAnalysis(analysis, filters);
    saveNames();
    const behind = byRegion.projection.events_behind;
    document.getElementById('basis').textContent =
      `${byRegion.region_name ?? '全国'}，${byRegion.from} 至 ${byRegion.to}，${CALIBERS[byRegion.caliber] ?? byRegion.caliber_basis}；` +
      `${byRegion.current ? '当前数据' : `截至 ${byRegion.as_of} 的数据`}` + (behind > 0 ? `（统计尚有 ${behind} 个事件未计入）` : '');
    status.textContent = '';
    status.className = 'status';
    // When every figure and chart is on the page, for the page-load benchmark (src/Ledger.Benchmarks).
    performance.mark('cockpit-ready');
  } catch (error) {
    report.hidden = true;
    showFailure(status, error);
  }
}

main();
