//! The dashboard (`/insight`) and the printable quarterly report (`/insight/report`).
//! Charts are SVG drawn here, on the server, each next to the table of its numbers.

use super::domain::{bar_lengths, Cell, Chart, Table, Vis};
use super::{insight, Ask, InsightData};
use crate::components::layout::Loaded;
use crate::components::url::query;
use leptos::prelude::*;
use leptos_meta::Title;

/// The question in the page's address.
fn asked() -> Ask {
    Ask {
        network: query("network"),
        locality: query("locality"),
        organisation: query("organisation"),
        from: query("from"),
        to: query("to"),
        quarter: query("quarter"),
        protected: query("protected"),
    }
}

/// How a locality, a network or an organisation is doing.
#[component]
pub fn InsightPage() -> impl IntoView {
    let ask = asked();
    let data = Resource::new_blocking(|| (), move |_| insight(ask.clone(), None));
    view! {
        <Title text="How your area is doing"/>
        <Loaded data=data children=|d| view! { <Dashboard d=d/> }/>
    }
}

#[component]
fn Dashboard(d: InsightData) -> impl IntoView {
    let report = format!("/insight/report?{}", d.query);
    let tables = d.tables.clone();
    let query = d.query.clone();
    view! {
        <h1>{format!("How it is going: {}", d.heading)}</h1>
        <p class="lead">{d.period_label.clone()}</p>
        <PeriodForm d=d.clone() action="/insight"/>
        <Privacy exact=d.exact is_admin=d.is_admin query=d.query.clone()/>
        <p class="actions">
            <a class="button" href=report>"Printable quarterly report"</a>
        </p>
        <nav aria-label="Tables on this page" class="toc">
            <ul>
                {tables.iter().map(|t| view! { <li><a href=format!("#{}", t.slug)>{t.title.clone()}</a></li> }).collect_view()}
            </ul>
        </nav>
        {tables.into_iter().map(|t| view! { <TableSection table=t query=query.clone()/> }).collect_view()}
    }
}

/// The period (and for those who may switch, the network and locality) to show.
#[component]
fn PeriodForm(d: InsightData, action: &'static str) -> impl IntoView {
    let problem = d.period_problem.clone();
    let quick_base = {
        let mut a = super::Ask {
            network: (!d.network.is_empty()).then(|| d.network.clone()),
            locality: (!d.locality.is_empty()).then(|| d.locality.clone()),
            organisation: d.organisation.as_ref().map(|o| o.id.clone()),
            ..Default::default()
        };
        a.protected = d.is_admin.then(|| if d.exact { "0" } else { "1" }.into());
        a.query_string(false)
    };
    let join = |extra: &str| if quick_base.is_empty() { format!("{action}?{extra}") } else { format!("{action}?{quick_base}&{extra}") };
    let twelve = join(&format!("from={}&to={}", d.twelve_months.0, d.twelve_months.1));
    let quarters: Vec<(String, String)> = d.quarters.iter().map(|(label, q)| (label.clone(), join(&format!("quarter={q}")))).collect();
    let show_networks = d.networks.len() > 1;
    let show_localities = d.organisation.is_none() && !d.locality_fixed && !d.localities.is_empty();
    let network = d.network.clone();
    let locality = d.locality.clone();
    view! {
        <form method="get" action=action class="period-form" aria-describedby=problem.as_ref().map(|_| "period-problem")>
            {problem.clone().map(|p| view! { <p class="error-text" id="period-problem" role="alert">{p}</p> })}
            {d.organisation.as_ref().map(|o| view! { <input type="hidden" name="organisation" value=o.id.clone()/> })}
            {d.is_admin.then(|| view! { <input type="hidden" name="protected" value=if d.exact { "0" } else { "1" }/> })}
            {show_networks.then(|| view! {
                <div class="field">
                    <label for="insight-network">"Time bank"</label>
                    <select id="insight-network" name="network">
                        {d.networks.iter().map(|c| view! { <option value=c.id.clone() selected=c.id == network>{c.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
            })}
            {(!show_networks && !d.network.is_empty()).then(|| view! { <input type="hidden" name="network" value=d.network.clone()/> })}
            {show_localities.then(|| view! {
                <div class="field">
                    <label for="insight-locality">"Area"</label>
                    <select id="insight-locality" name="locality">
                        <option value="" selected=locality.is_empty()>"The whole network, with every locality compared"</option>
                        {d.localities.iter().map(|c| view! { <option value=c.id.clone() selected=c.id == locality>{c.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
            })}
            {(d.locality_fixed && !d.locality.is_empty()).then(|| view! { <input type="hidden" name="locality" value=d.locality.clone()/> })}
            <div class="date-pair">
                <div class="field">
                    <label for="insight-from">"First day"</label>
                    <input type="date" id="insight-from" name="from" value=d.from.clone() required/>
                </div>
                <div class="field">
                    <label for="insight-to">"Last day"</label>
                    <input type="date" id="insight-to" name="to" value=d.to.clone() required/>
                </div>
            </div>
            <button type="submit" class="button primary">"Show these figures"</button>
        </form>
        <p class="quick-periods">
            "Or show: "
            <a href=twelve>"the last 12 months"</a>
            {quarters.into_iter().map(|(label, href)| view! { ", " <a href=href>{label}</a> }).collect_view()}
        </p>
    }
}

#[component]
fn Privacy(exact: bool, is_admin: bool, query: String) -> impl IntoView {
    let without: String = query.split('&').filter(|p| !p.starts_with("protected=")).collect::<Vec<_>>().join("&");
    let protected = format!("?{without}&protected=1");
    let exact_href = format!("?{without}&protected=0");
    if exact {
        view! {
            <p class="notice">
                "You are a site administrator, so every count here is exact. "
                "Everyone else sees counts from 1 to 4 as \u{201c}fewer than 5\u{201d}. "
                <a href=protected>"See it as they do"</a>
            </p>
        }
        .into_any()
    } else {
        view! {
            <p class="notice">
                "To protect people\u{2019}s privacy, counts from 1 to 4 are shown as \u{201c}fewer than 5\u{201d}, "
                "and where a total would give one away, another count is \u{201c}withheld\u{201d} too. "
                {is_admin.then(|| view! { <a href=exact_href>"Show exact counts"</a> })}
            </p>
        }
        .into_any()
    }
}

/// One table: its charts, the numbers, a note and its CSV file.
#[component]
fn TableSection(table: Table, query: String) -> impl IntoView {
    let csv = format!("/insight/{}.csv?{query}", table.slug);
    let heading_id = format!("{}-heading", table.slug);
    let labelled_by = heading_id.clone();
    let charts = table.charts.clone();
    let t = table.clone();
    view! {
        <section id=table.slug.clone() aria-labelledby=labelled_by class="insight-section">
            <h2 id=heading_id>{table.title.clone()}</h2>
            {(!table.note.is_empty()).then(|| view! { <p class="meta">{table.note.clone()}</p> })}
            {charts.into_iter().map(|c| view! { <BarChart chart=c table=t.clone()/> }).collect_view()}
            <DataTable table=table.clone()/>
            <p><a href=csv download="">{format!("Download \u{201c}{}\u{201d} as CSV", table.title)}</a></p>
        </section>
    }
}

#[component]
fn DataTable(table: Table) -> impl IntoView {
    let label = table.title.clone();
    view! {
        <div class="table-wrap" role="region" aria-label=format!("{label}: the table") tabindex="0">
            <table class="figures">
                <caption class="visually-hidden">{table.title.clone()}</caption>
                <thead>
                    <tr>{table.columns.iter().enumerate().map(|(i, c)| view! { <th scope="col" class={if i > 0 { "num" } else { "" }}>{c.clone()}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    {table.rows.iter().map(|row| view! { <FigureRow row=row.clone()/> }).collect_view()}
                </tbody>
                {table.total.clone().map(|row| view! { <tfoot><FigureRow row=row/></tfoot> })}
            </table>
        </div>
    }
}

/// One row of figures: its first cell heads the row, numbers align right, hidden counts
/// are set apart.
#[component]
fn FigureRow(row: Vec<Cell>) -> impl IntoView {
    view! {
        <tr>
            {row.iter().enumerate().map(|(i, c)| {
                if i == 0 {
                    return view! { <th scope="row">{c.display()}</th> }.into_any();
                }
                let class = match c {
                    Cell::Hidden(_) => "num hidden",
                    _ if c.is_number() => "num",
                    _ => "",
                };
                view! { <td class=class>{c.display()}</td> }.into_any()
            }).collect_view()}
        </tr>
    }
}

/// A bar chart of one column, drawn as SVG: columns over time, or one bar per row across.
/// Hidden counts are marked, not drawn. The table next to it carries the same numbers for
/// screen readers, so the picture is labelled as a picture of that table.
#[component]
fn BarChart(chart: Chart, table: Table) -> impl IntoView {
    let labels: Vec<String> = table.rows.iter().map(|r| r[0].display()).collect();
    let cells: Vec<Cell> = table.rows.iter().map(|r| r[chart.column].clone()).collect();
    let values: Vec<Option<f64>> = cells.iter().map(|c| c.number()).collect();
    if values.iter().all(|v| v.is_none_or(|x| x <= 0.0)) {
        // Nothing to draw: every figure is 0, small or withheld. Say so, never an empty chart.
        return view! {
            <p class="chart-note">
                <strong>{chart.title.clone()}</strong>
                ": no chart, because every figure here is 0, or fewer than 5 or withheld to protect people's privacy. The table below says which."
            </p>
        }
        .into_any();
    }
    let (top, lengths) = bar_lengths(&values);
    let title_id = format!("{}-chart-{}", table.slug, chart.column);
    let summary = format!("{}: a bar chart of the \u{201c}{}\u{201d} column of the table below.", chart.title, table.columns[chart.column]);
    let top_label = if top.fract() == 0.0 { format!("{top:.0}") } else { format!("{top}") };
    if chart.over_time {
        // 360 × 220: scale on the left, bars across, labels under some of them.
        let (left, right, top_y, base) = (40.0, 352.0, 16.0, 184.0);
        let n = lengths.len().max(1) as f64;
        let slot = (right - left) / n;
        let every = ((lengths.len() as f64) / 6.0).ceil().max(1.0) as usize;
        let bars = lengths
            .iter()
            .enumerate()
            .map(|(i, len)| {
                let x = left + slot * i as f64 + slot * 0.15;
                let w = slot * 0.7;
                let label = (i % every == 0).then(|| {
                    // "Dec 2025" → "Dec" (the period is above); "Week from 7 Jul" → "7 Jul".
                    let short: String = match labels[i].strip_prefix("Week from ") {
                        Some(w) => w.to_string(),
                        None => labels[i].chars().take(3).collect(),
                    };
                    view! { <text x=format!("{:.1}", x + w / 2.0) y="204" text-anchor="middle" class="axis">{short}</text> }
                });
                let bar = match len {
                    Some(l) => {
                        let h = (base - top_y) * l;
                        view! { <rect x=format!("{x:.1}") y=format!("{:.1}", base - h) width=format!("{w:.1}") height=format!("{h:.1}") class="bar"/> }.into_any()
                    }
                    // Not drawn: "<5" for fewer than 5, "≥5" for a count withheld.
                    None => {
                        let mark = if matches!(cells[i], Cell::Hidden(Vis::FewerThan5)) { "<5" } else { "\u{2265}5" };
                        view! { <text x=format!("{:.1}", x + w / 2.0) y=format!("{:.1}", base - 4.0) text-anchor="middle" class="axis">{mark}</text> }.into_any()
                    }
                };
                view! { {bar}{label} }
            })
            .collect_view();
        view! {
            <figure class="chart">
                <figcaption>{chart.title.clone()}</figcaption>
                <svg viewBox="0 0 360 220" role="img" aria-labelledby=title_id.clone() xmlns="http://www.w3.org/2000/svg">
                    <title id=title_id.clone()>{summary.clone()}</title>
                    <line x1=left x2=right y1=top_y y2=top_y class="grid"/>
                    <line x1=left x2=right y1=base y2=base class="axis-line"/>
                    <text x="34" y="20" text-anchor="end" class="axis">{top_label}</text>
                    <text x="34" y=base text-anchor="end" class="axis">"0"</text>
                    {bars}
                </svg>
            </figure>
        }
        .into_any()
    } else {
        // One row per bar: the label above its bar, so long names fit on a phone.
        let row_h = 44.0;
        let height = (lengths.len() as f64 * row_h + 8.0).max(40.0);
        let bars = lengths
            .iter()
            .enumerate()
            .map(|(i, len)| {
                let y = i as f64 * row_h;
                let text = format!("{} \u{2014} {}", labels[i], cells[i].display());
                let bar = len.map(|l| {
                    view! { <rect x="0" y=format!("{:.1}", y + 20.0) width=format!("{:.1}", (352.0 * l).max(1.0)) height="16" class="bar"/> }
                });
                view! { <text x="0" y=format!("{:.1}", y + 14.0) class="axis">{text}</text>{bar} }
            })
            .collect_view();
        view! {
            <figure class="chart">
                <figcaption>{format!("{} (scale 0 to {top_label})", chart.title)}</figcaption>
                <svg viewBox=format!("0 0 360 {height:.0}") role="img" aria-labelledby=title_id.clone() xmlns="http://www.w3.org/2000/svg">
                    <title id=title_id.clone()>{summary.clone()}</title>
                    {bars}
                </svg>
            </figure>
        }
        .into_any()
    }
}

/// The quarterly report: the period's figures on paper, for a funder.
#[component]
pub fn InsightReportPage() -> impl IntoView {
    let ask = asked();
    let data = Resource::new_blocking(|| (), move |_| insight(ask.clone(), Some("1".into())));
    view! {
        <Title text="Quarterly report"/>
        <Loaded data=data children=|d| view! { <Report d=d/> }/>
    }
}

/// The report's body: the period, the tables, and what the figures mean.
#[component]
fn Report(d: InsightData) -> impl IntoView {
    let when = d.quarter_label.clone().unwrap_or_else(|| d.period_label.clone());
    let back = format!("/insight?{}", d.query);
    let query = d.query.clone();
    let tables = d.tables.clone();
    view! {
        <div class="report">
            <h1>{format!("Quarterly report: {}", d.heading)}</h1>
            <p class="lead">{when}" ("{d.period_label.clone()}")"</p>
            <div class="no-print">
                <p><a href=back>"Back to the dashboard"</a></p>
                <PeriodForm d=d.clone() action="/insight/report"/>
                <p class="meta">"To print or save as PDF, use your browser\u{2019}s Print command. The menus and these controls are left off the paper."</p>
            </div>
            <p class="meta">{format!("Prepared on {} from Timeweave\u{2019}s hour ledger and referral records.", crate::util::format_date(d.generated_at))}</p>
            <Privacy exact=d.exact is_admin=d.is_admin query=d.query.clone()/>
            {tables.into_iter().map(|t| view! { <TableSection table=t query=query.clone()/> }).collect_view()}
            <section aria-labelledby="definitions-heading" class="insight-section">
                <h2 id="definitions-heading">"What the figures mean"</h2>
                <dl class="facts">
                    <dt>"Active member"</dt><dd>"Gave or received help (an exchange recorded in the hour ledger, not undone) in the 90 days up to the last day of the period."</dd>
                    <dt>"Exchange"</dt><dd>"Help given and recorded in the ledger: between members, or to an organisation. Each exchange is one hour-ledger transfer; one a community builder undid later is not counted."</dd>
                    <dt>"Hours exchanged"</dt><dd>"The hours of those exchanges, less any a community builder undid in the period."</dd>
                    <dt>"Reciprocity"</dt><dd>"The share of active members who both gave and received help in those 90 days."</dd>
                    <dt>"Unanswered request"</dt><dd>"A request posted in the period that nobody offered to help with within 30 days."</dd>
                    <dt>"Reached a first exchange"</dt><dd>"A referred person whose first exchange a community builder recorded."</dd>
                    <dt>"Wellbeing change"</dt><dd>"ONS4 personal wellbeing and the three-item UCLA loneliness scale, answered when the person joined and again at follow-up; the mean of each person\u{2019}s change."</dd>
                    <dt>"Per 1,000 residents"</dt><dd>"Using each locality\u{2019}s population as set by the network."</dd>
                    <dt>"Fewer than 5, withheld"</dt><dd>"Counts from 1 to 4 are not shown, to protect people\u{2019}s privacy; a larger count is withheld where a total would give a small one away."</dd>
                </dl>
            </section>
        </div>
    }
}
