// 已发布数字: each figure the source documents published (GET /reference/figures) beside what the ledger answers
// (GET /totals) as of its publication and now, with a link that opens the same question in the cockpit.
import { el, fen, getJson, showFailure, signedIn, wan, yuanText } from './common.js';

function query(figure, asOf) {
  const q = new URLSearchParams({ region: figure.region, from: figure.from, to: figure.to, caliber: figure.caliber });
  for (const name of ['kind', 'campaign', 'flag']) if (figure[name]) q.set(name, figure[name]);
  if (asOf) q.set('as_of', asOf);
  return q;
}

/** The figure's printed numbers against a totals answer: [what, published, ledger, matches]. */
function compare(figure, total) {
  const p = figure.published;
  const rows = [['案件数', `${p.cases} 件`, `${total.cases} 件`, total.cases === p.cases]];
  const money = (what, published, actual) => rows.push([what, `${wan(published)} 万元`, `${wan(actual)} 万元`, published === actual, yuanText(published), yuanText(actual)]);
  if (p.case_value) money('案值', p.case_value, total.case_value);
  if (p.fines_and_confiscations) money('罚没金额', p.fines_and_confiscations, total.fines_and_confiscations);
  if (p.fines_at_least) {
    rows.push(['罚款', `${wan(p.fines_at_least)} 万余元`, `${wan(total.fines)} 万元`,
      fen(total.fines) >= fen(p.fines_at_least) && fen(total.fines) < fen(p.fines_below), `≥ ${yuanText(p.fines_at_least)}，< ${yuanText(p.fines_below)}`, yuanText(total.fines)]);
  }
  return rows;
}

async function main() {
  const status = document.getElementById('status');
  try {
    await signedIn();
    const { figures } = await getJson('/reference/figures');
    const answers = await Promise.all(figures.map(f => Promise.all([
      getJson(`/totals?${query(f, f.as_of)}`).catch(error => ({ error })),
      getJson(`/totals?${query(f, null)}`).catch(error => ({ error })),
    ])));
    document.getElementById('figures').replaceChildren(
      el('thead', {}, el('tr', {}, ...['已发布的数字', '区域', '期间', '发布时刻', '项目', '已发布', '台账（截至发布时）', '一致', '台账（当前）', ''].map(t => el('th', { scope: 'col', class: 'text' }, t)))),
      el('tbody', {}, ...figures.flatMap((f, i) => {
        const [asPublished, current] = answers[i];
        const cockpit = el('a', { href: `/ui/cockpit?${query(f, f.as_of)}` }, '在驾驶舱中查看');
        if (asPublished.error) return [el('tr', { 'data-figure': f.label }, el('th', { scope: 'row' }, f.label), el('td', {}, f.region_name),
          el('td', { colspan: '8', class: 'text' }, `无法查询（${asPublished.error.status ?? ''}）：${asPublished.error.message}`))];
        const rows = compare(f, asPublished.total);
        const now = compare(f, current.total);
        return rows.map(([what, published, ledger, matches, publishedExact, ledgerExact], r) => el('tr', { 'data-figure': f.label, 'data-what': what },
          el('th', { scope: 'row' }, r === 0 ? f.label : ''), el('td', {}, r === 0 ? f.region_name : ''),
          el('td', {}, r === 0 ? `${f.from} 至 ${f.to}` : ''), el('td', {}, r === 0 ? f.as_of : ''),
          el('td', {}, what), el('td', { title: publishedExact ?? null }, published), el('td', { title: ledgerExact ?? null }, ledger),
          el('td', { 'data-matches': String(matches), class: matches ? null : 'up' }, matches ? '✓' : '✗'),
          el('td', { title: now[r][5] ?? null }, now[r][2]), el('td', {}, r === 0 ? cockpit : '')));
      })));
    document.getElementById('figures-panel').hidden = false;
    status.textContent = '';
  } catch (error) {
    showFailure(status, error);
  }
}

main();
