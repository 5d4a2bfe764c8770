//! Accessible form pieces. Each field has a visible label, an optional hint, and its error
//! next to it, tied to the input with `aria-describedby` and `aria-invalid`. The summary at
//! the top is a live region that lists every problem with a link to its field.
//!
//! After a failed post the fields are filled again from the values the error carries, so
//! nobody has to type their answers twice (passwords excepted, on purpose).

use crate::error::{AppError, FormProblem};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The error a form's last submission ended with, if any (works with JavaScript off:
/// Leptos passes it through the redirect back to the page).
pub fn last_error<S>(action: ServerAction<S>) -> Option<AppError>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    action.value().get_untracked().and_then(|r| r.err())
}

/// The problem behind an error, or an empty one.
pub fn problem_of(error: &Option<AppError>) -> FormProblem {
    error.as_ref().and_then(|e| e.problem().cloned()).unwrap_or_default()
}

/// "There is a problem" box at the top of a form.
#[component]
pub fn ErrorSummary(error: Option<AppError>) -> impl IntoView {
    error.map(|error| {
        let (summary, items) = match &error {
            AppError::Invalid(p) => (p.summary.clone(), p.fields.clone()),
            other => (other.to_string(), vec![]),
        };
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id="error-summary">
                <h2>"There is a problem"</h2>
                <p>{summary}</p>
                {(!items.is_empty()).then(|| view! {
                    <ul>
                        {items.into_iter().map(|(field, message)| view! {
                            <li><a href=format!("#{field}")>{message}</a></li>
                        }).collect_view()}
                    </ul>
                })}
            </div>
        }
    })
}

/// The value of `aria-describedby` for a field's hint and error ids, if it has either.
fn described_by(ids: [Option<String>; 2]) -> Option<String> {
    let ids: Vec<String> = ids.into_iter().flatten().collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The label, hint and error shared by every kind of field, and the ids that tie them to it.
struct Chrome {
    /// The control's `id` (its name unless a page holds the same field twice).
    name: String,
    hint: Option<&'static str>,
    error: Option<String>,
    invalid: bool,
    /// The value for `aria-describedby`: hint and error ids, if any.
    described: Option<String>,
}

impl Chrome {
    fn new(name: &'static str, problem: &FormProblem, hint: Option<&'static str>) -> Self {
        Self::with_id(name, name.to_string(), problem, hint)
    }

    fn with_id(name: &'static str, id: String, problem: &FormProblem, hint: Option<&'static str>) -> Self {
        let error = problem.message_for(name);
        let name = id;
        let described = described_by([hint.map(|_| format!("{name}-hint")), error.as_ref().map(|_| format!("{name}-error"))]);
        Chrome { name, hint, invalid: error.is_some(), error, described }
    }

    fn render(self, label: &'static str) -> impl IntoView {
        let name = self.name.clone();
        view! {
            <label for=name.clone()>{label}</label>
            {self.hint.map(|h| view! { <p class="hint" id=format!("{name}-hint")>{h}</p> })}
            {self.error.map(|e| view! {
                <p class="field-error" id=format!("{name}-error")><span class="visually-hidden">"Error: "</span>{e}</p>
            })}
        }
    }
}

/// A labelled input with its hint and error.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    problem: FormProblem,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] value: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let value = if kind == "password" { None } else { problem.value_for(name).or(value) };
    let chrome = Chrome::new(name, &problem, hint);
    let (invalid, described) = (chrome.invalid, chrome.described.clone());
    view! {
        <div class="field" class:has-error=invalid>
            {chrome.render(label)}
            <input
                id=name
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=invalid.then_some("true")
                aria-describedby=described
            />
        </div>
    }
}

/// One drop-down of a page's search filters (a GET form): (value, text) pairs, the empty
/// value meaning "any"; `chosen` is the value from the address bar.
#[component]
pub fn FilterSelect(id: &'static str, label: &'static str, chosen: Option<String>, options: Vec<(String, String)>) -> impl IntoView {
    let chosen = chosen.unwrap_or_default();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=id>
                {options.into_iter().map(|(value, text)| {
                    let selected = value == chosen;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// `options` with the empty choice, reading `label`, first (for a [`FilterSelect`]).
pub fn any(label: &str, options: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), label.to_string())).chain(options).collect()
}

/// A labelled drop-down list.
#[component]
pub fn Select(
    label: &'static str,
    name: &'static str,
    problem: FormProblem,
    /// (group label, [(value, text)])
    groups: Vec<(String, Vec<(String, String)>)>,
    #[prop(optional)] hint: Option<&'static str>,
    /// May be left empty; the empty choice then reads like this ("Nobody else").
    #[prop(optional)]
    empty_choice: Option<&'static str>,
    /// Chosen when the form is first shown.
    #[prop(optional)]
    value: Option<String>,
) -> impl IntoView {
    let chosen = problem.value_for(name).or(value).unwrap_or_default();
    let required = empty_choice.is_none();
    let empty_label = empty_choice.unwrap_or("Choose…");
    let chrome = Chrome::new(name, &problem, hint);
    let (invalid, described) = (chrome.invalid, chrome.described.clone());
    view! {
        <div class="field" class:has-error=invalid>
            {chrome.render(label)}
            <select
                id=name
                name=name
                required=required
                aria-invalid=invalid.then_some("true")
                aria-describedby=described
            >
                <option value="" selected=chosen.is_empty()>{empty_label}</option>
                {groups.into_iter().map(|(group, options)| {
                    let chosen = chosen.clone();
                    view! {
                        <optgroup label=group>
                            {options.into_iter().map(|(value, text)| {
                                let selected = value == chosen;
                                view! { <option value=value selected=selected>{text}</option> }
                            }).collect_view()}
                        </optgroup>
                    }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A member found by typing part of their name, email or phone number, where a drop-down
/// of the whole network would not do. The server reads the box (`networks::read_member`);
/// when it matched several people they come back as choices under it, so it works without
/// JavaScript. With JavaScript, `/find-member.js` (about 2 KiB) suggests members as one
/// types and sends the one chosen as `{name}_pick`.
#[component]
pub fn MemberField(
    label: &'static str,
    name: &'static str,
    problem: FormProblem,
    #[prop(default = "Type part of their name, email or phone number.")] hint: &'static str,
    /// May be left empty.
    #[prop(optional)]
    optional: bool,
    /// The server function suggestions come from.
    #[prop(default = "/api/find_members")]
    find: &'static str,
    /// Other fields sent with each search, as a query string ("locality=…").
    #[prop(optional)]
    find_with: Option<String>,
) -> impl IntoView {
    let typed = problem.value_for(name).unwrap_or_default();
    let choices = problem.choices_for(name);
    let pick = format!("{name}_pick");
    let chrome = Chrome::new(name, &problem, Some(hint));
    let (invalid, described) = (chrome.invalid, chrome.described.clone());
    view! {
        <div class="field member-field" class:has-error=invalid>
            {chrome.render(label)}
            <input
                id=name
                name=name
                type="text"
                value=typed
                autocomplete="off"
                spellcheck="false"
                required=!optional
                data-find=find
                data-find-with=find_with
                data-pick=pick.clone()
                aria-invalid=invalid.then_some("true")
                aria-describedby=described
            />
            {if choices.is_empty() {
                view! { <input type="hidden" name=pick value=""/> }.into_any()
            } else {
                view! {
                    <fieldset class="field member-choices">
                        <legend>"Which one do you mean?"</legend>
                        {choices.into_iter().enumerate().map(|(i, (id, text))| {
                            let input_id = format!("{pick}-{i}");
                            view! {
                                <div class="radio">
                                    <input type="radio" id=input_id.clone() name=pick.clone() value=id/>
                                    <label for=input_id>{text}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                }.into_any()
            }}
            <ScriptFile src="/find-member.js"/>
        </div>
    }
}

/// One of the site's own plain script files (`public/*.js`), for the page that needs it: a
/// module, so it runs after the page is read, and only with JavaScript on (the page works
/// without it). Written only here, with no children (a `<script>`'s text is not escaped).
#[component]
pub fn ScriptFile(src: &'static str) -> impl IntoView {
    view! { <script type="module" src=src></script> }
}

/// A labelled box for a few lines of text.
#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    problem: FormProblem,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(default = 3)] rows: u32,
    #[prop(optional)] maxlength: Option<u32>,
    /// Where a page holds the same field in several forms, each but one needs its own id.
    #[prop(optional)]
    id: Option<String>,
    /// The text when the form is first shown (what was typed after a failed post wins).
    #[prop(optional)]
    value: Option<String>,
) -> impl IntoView {
    let value = textarea_text(&problem.value_for(name).or(value).unwrap_or_default());
    let id = id.unwrap_or_else(|| name.to_string());
    let chrome = Chrome::with_id(name, id.clone(), &problem, hint);
    let (invalid, described) = (chrome.invalid, chrome.described.clone());
    view! {
        <div class="field" class:has-error=invalid>
            {chrome.render(label)}
            <textarea
                id=id
                name=name
                rows=rows
                maxlength=maxlength
                required=required
                aria-invalid=invalid.then_some("true")
                aria-describedby=described
            >{value}</textarea>
        </div>
    }
}

/// A `<textarea>`'s contents as HTML. The renderer writes a textarea's children raw (it
/// does for no other element), so whatever the value holds, `</textarea>` included, is
/// escaped here; the browser shows it as the text typed. A leading newline is doubled,
/// because the HTML parser drops the first one.
pub fn textarea_text(value: &str) -> String {
    let escaped = html_escape::encode_text(value).into_owned();
    if value.starts_with('\n') {
        format!("\n{escaped}")
    } else {
        escaped
    }
}

/// "How long?": hours and minutes in two boxes, read on the server by `Minutes::from_parts`.
/// Errors are reported on `hours`.
#[component]
pub fn DurationField(
    problem: FormProblem,
    #[prop(default = "How long?")] legend: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let error = problem.message_for("hours");
    let invalid = error.is_some();
    let described = described_by([hint.map(|_| "hours-hint".to_string()), error.as_ref().map(|_| "hours-error".to_string())]);
    let hours = problem.value_for("hours");
    let minutes = problem.value_for("minutes");
    view! {
        <fieldset class="field duration" class:has-error=invalid aria-describedby=described.clone()>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="hint" id="hours-hint">{h}</p> })}
            {error.map(|e| view! {
                <p class="field-error" id="hours-error"><span class="visually-hidden">"Error: "</span>{e}</p>
            })}
            <div class="duration-boxes">
                <div>
                    <label for="hours">"Hours"</label>
                    <input id="hours" name="hours" type="text" inputmode="numeric" size="3" value=hours
                        aria-invalid=invalid.then_some("true") autocomplete="off"/>
                </div>
                <div>
                    <label for="minutes">"Minutes"</label>
                    <input id="minutes" name="minutes" type="text" inputmode="numeric" size="3" value=minutes autocomplete="off"/>
                </div>
            </div>
        </fieldset>
    }
}

/// A date a person knows by heart (a date of birth) as three boxes, day, month and year,
/// as GOV.UK asks for it: a phone's date picker is slow for a year long past, and its
/// format differs from phone to phone. Posts `{prefix}_day`, `_month`, `_year`; its
/// problem is reported under `field`, whose id the first box carries.
#[component]
pub fn DateParts(
    legend: &'static str,
    field: &'static str,
    prefix: &'static str,
    problem: FormProblem,
    #[prop(optional)] hint: Option<&'static str>,
    /// (day, month, year) when the form is first shown.
    #[prop(optional)]
    value: Option<[String; 3]>,
) -> impl IntoView {
    let error = problem.message_for(field);
    let invalid = error.is_some();
    let hint_id = format!("{field}-hint");
    let error_id = format!("{field}-error");
    let described = described_by([hint.map(|_| hint_id.clone()), error.as_ref().map(|_| error_id.clone())]);
    let value = value.unwrap_or_default();
    let parts = [("day", "Day", 2u32), ("month", "Month", 2), ("year", "Year", 4)];
    view! {
        <fieldset class="field date-parts" class:has-error=invalid role="group" aria-describedby=described>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{e}</p> })}
            <div class="date-boxes">
                {parts.into_iter().enumerate().map(|(i, (part, label, size))| {
                    let name = format!("{prefix}_{part}");
                    let id = if i == 0 { field.to_string() } else { name.clone() };
                    let shown = problem.value_for(&name).unwrap_or_else(|| value[i].clone());
                    view! {
                        <div class=format!("date-{part}")>
                            <label for=id.clone()>{label}</label>
                            <input id=id name=name type="text" inputmode="numeric" maxlength=size value=shown
                                autocomplete="off" aria-invalid=invalid.then_some("true")/>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// One choice of a few, all in sight: a group of radio buttons, each a large tap target.
/// The first button carries the field's id, so an error summary's link lands on the group.
/// A browser sends nothing for a group with none chosen, so the server function takes the
/// field as an `Option<String>` (a missing `String` would refuse the whole form, losing
/// everything typed).
#[component]
pub fn Radios(
    legend: &'static str,
    name: &'static str,
    problem: FormProblem,
    /// (value, text)
    options: Vec<(String, String)>,
    #[prop(optional)] hint: Option<&'static str>,
    /// Chosen when the form is first shown.
    #[prop(optional)]
    value: Option<String>,
) -> impl IntoView {
    let error = problem.message_for(name);
    let invalid = error.is_some();
    let chosen = problem.value_for(name).or(value).unwrap_or_default();
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = described_by([hint.map(|_| hint_id.clone()), error.as_ref().map(|_| error_id.clone())]);
    view! {
        <fieldset class="field radios" class:has-error=invalid aria-describedby=described>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{e}</p> })}
            {options.into_iter().enumerate().map(|(i, (v, text))| {
                let id = if i == 0 { name.to_string() } else { format!("{name}-{v}") };
                let checked = v == chosen;
                view! {
                    <div class="radio">
                        <input type="radio" id=id.clone() name=name value=v checked=checked aria-invalid=invalid.then_some("true")/>
                        <label for=id>{text}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A single checkbox with its label beside it.
#[component]
pub fn Checkbox(
    label: AnyView,
    name: &'static str,
    problem: FormProblem,
    /// Ticked when the form is first shown (what was typed after a failed post wins).
    #[prop(optional)]
    checked: bool,
) -> impl IntoView {
    let error = problem.message_for(name);
    let checked = problem.value_for(name).map(|v| !v.is_empty()).unwrap_or(checked);
    let error_id = error.as_ref().map(|_| format!("{name}-error"));
    let invalid = error.is_some();
    view! {
        <div class="field checkbox" class:has-error=invalid>
            {error.map(|e| view! { <p class="field-error" id=error_id.clone()><span class="visually-hidden">"Error: "</span>{e}</p> })}
            <input
                type="checkbox"
                id=name
                name=name
                value="yes"
                checked=checked
                aria-invalid=invalid.then_some("true")
                aria-describedby=error_id.clone()
            />
            <label for=name>{label}</label>
        </div>
    }
}

/// A notice after something worked ("Your password has been changed").
#[component]
pub fn Notice(children: Children) -> impl IntoView {
    view! { <div class="notice" role="status">{children()}</div> }
}

#[cfg(test)]
mod tests {
    #[test]
    fn textarea_text_cannot_end_the_element() {
        let v = super::textarea_text("</textarea><meta http-equiv=refresh content=\"1;url=/\">");
        assert!(!v.contains('<'), "{v}");
        assert_eq!(super::textarea_text("a & b"), "a &amp; b");
        assert_eq!(super::textarea_text("\nfirst"), "\n\nfirst");
    }
}

/// The class, checked over the source. The renderer writes the children of `<textarea>`,
/// `<script>`, `<style>` and `<noscript>` raw, and leptos_meta writes the page's `<title>`
/// raw: no `<textarea>` is written anywhere but in [`TextArea`] (which escapes its value),
/// none of the others by hand at all, and every page title goes through the one escaping
/// formatter (`crate::page_title`). (An SVG chart's `<title>` is escaped as usual.)
#[cfg(test)]
mod source_checks {
    fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }

    #[test]
    fn raw_text_elements_are_written_in_one_place_each() {
        let mut files = vec![];
        sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        for (path, text) in &files {
            if !path.ends_with("components/forms.rs") {
                assert!(!text.contains("<textarea"), "{path} writes a <textarea> itself: use forms::TextArea");
            }
            if !path.ends_with("src/lib.rs") && !path.ends_with("components/forms.rs") {
                assert!(!text.contains("<Title formatter"), "{path} sets a title formatter: titles are escaped by page_title");
                // The renderer's other raw-text elements: none are written by hand.
                for raw in ["<script", "<style", "<noscript"] {
                    assert!(!text.contains(raw), "{path} writes {raw}>: its children would not be escaped");
                }
            }
        }
        let lib = files.iter().find(|(p, _)| p.ends_with("src/lib.rs")).unwrap();
        assert!(lib.1.contains("<Title formatter=page_title/>"));
        assert_eq!(crate::page_title("</title><b>".into()), "&lt;/title&gt;&lt;b&gt; · Timeweave");
    }
}
