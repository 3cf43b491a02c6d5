//! The landings list (filterable, paginated) and one landing's page with its catch
//! lines, flags and review history.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use uuid::Uuid;

use super::views::*;
use super::{LandingsPages, nonempty};
use crate::adapters::http::landings::CurrentUser;
use crate::adapters::http::landings::date;
use crate::adapters::http::landings::out_of_scope;
use crate::adapters::http::landings::{choices, named_choices};
use crate::adapters::http::shared::errors::not_found_page;
use crate::adapters::http::shared::page::render;
use crate::adapters::http::shared::state::AppState;
use crate::adapters::http::shared::views::{Chrome, num, opt};
use crate::application::landings::ports::LandingFilter;
use crate::application::landings::ports::LandingListItem;
use crate::application::landings::ports::{LandingDetail, ListPosition};
use crate::domain::access::Permission;
use crate::domain::landings::BoatType;
use crate::domain::landings::Habitat;
use crate::domain::shared::Gear;

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    from: Option<String>,
    to: Option<String>,
    municipality: Option<String>,
    site: Option<String>,
    gear: Option<String>,
    habitat: Option<String>,
    boat: Option<String>,
    flagged: Option<String>,
    flag: Option<String>,
    after: Option<String>,
    before: Option<String>,
}

pub(super) async fn list_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
    q: web::Query<ListQuery>,
) -> HttpResponse {
    let (scope, chrome) = ctx!(req, state, session, "landings");
    let q = q.into_inner();
    let filter = LandingFilter {
        from: date(&q.from),
        to: date(&q.to),
        municipality: nonempty(&q.municipality),
        site: nonempty(&q.site),
        gear: nonempty(&q.gear).and_then(|v| v.parse().ok()),
        habitat: nonempty(&q.habitat).and_then(|v| v.parse().ok()),
        boat: nonempty(&q.boat).and_then(|v| v.parse().ok()),
        flagged_only: q.flagged.as_deref() == Some("1") || q.flagged.as_deref() == Some("on"),
        flag_code: nonempty(&q.flag),
        unreviewed_only: false,
    };
    let at = keyset(&q.after, &q.before);
    let (p2, f, s) = (pages.clone(), filter.clone(), scope.clone());
    let (page, offered) = block!(
        p2.queries
            .list_landings(&s, &f, at, 50)
            .and_then(|p| Ok((p, super::list_choices(&p2, &s)?)))
    );
    let rows = page.items.iter().map(landing_row).collect();
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for (k, v) in [
        ("from", &q.from),
        ("to", &q.to),
        ("municipality", &q.municipality),
        ("site", &q.site),
        ("gear", &q.gear),
        ("habitat", &q.habitat),
        ("boat", &q.boat),
        ("flagged", &q.flagged),
        ("flag", &q.flag),
    ] {
        if let Some(v) = nonempty(v) {
            pairs.push((k, v));
        }
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    render(&LandingsPage {
        chrome,
        nav: PageNav::of(&page),
        query,
        rows,
        from: nonempty(&q.from).unwrap_or_default(),
        to: nonempty(&q.to).unwrap_or_default(),
        municipalities: named_choices(&offered.municipalities, &q.municipality),
        sites: choices(offered.sites.clone(), &q.site),
        gears: choices(
            Gear::ALL
                .iter()
                .map(|g| (g.code().to_string(), g.to_string()))
                .collect(),
            &q.gear,
        ),
        habitats: choices(
            Habitat::ALL
                .iter()
                .map(|h| (h.code().to_string(), h.to_string()))
                .collect(),
            &q.habitat,
        ),
        boats: choices(
            BoatType::ALL
                .iter()
                .map(|b| (b.code().to_string(), b.to_string()))
                .collect(),
            &q.boat,
        ),
        flagged: filter.flagged_only,
        flag_code: filter.flag_code.unwrap_or_default(),
    })
}

/// A line of a landings list.
pub(super) fn landing_row(l: &LandingListItem) -> LandingRow {
    LandingRow {
        href: format!("/landings/{}", l.id),
        source_id: l.source_id,
        date: opt(l.date),
        site: l.site_path.clone(),
        boat: l
            .boat_code
            .and_then(|c| BoatType::from_code(c.into()).ok())
            .map(|b| b.to_string())
            .unwrap_or_else(|| opt(l.boat_code)),
        gear: l
            .gear_code
            .and_then(|c| Gear::from_code(c.into()).ok())
            .map(|g| g.to_string())
            .unwrap_or_else(|| opt(l.gear_code)),
        habitat: l
            .habitat_code
            .and_then(|c| Habitat::from_code(c.into()).ok())
            .map(|h| h.to_string())
            .unwrap_or_else(|| opt(l.habitat_code)),
        effort: l.effort.map(|e| num(e, 1)).unwrap_or_else(|| "–".into()),
        catch_kg: num(l.catch_kg, 2),
        flags: match (l.errors, l.warnings) {
            (0, 0) => String::new(),
            (e, 0) => format!("{e} error{}", if e == 1 { "" } else { "s" }),
            (0, w) => format!("{w} warning{}", if w == 1 { "" } else { "s" }),
            (e, w) => format!(
                "{e} error{}, {w} warning{}",
                if e == 1 { "" } else { "s" },
                if w == 1 { "" } else { "s" }
            ),
        },
        excluded: l.errors > 0,
    }
}

pub(super) async fn landing_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    pages: web::Data<LandingsPages>,
    session: Session,
    id: web::Path<String>,
    q: web::Query<LandingQuery>,
) -> HttpResponse {
    let (scope, chrome, current) =
        ctx!(req, state, session, "landings", Permission::View, with_user);
    let Ok(id) = Uuid::parse_str(&id) else {
        return not_found_page();
    };
    let queries = pages.queries.clone();
    let Some(d) = block!(queries.landing(&scope, id)) else {
        return out_of_scope(&req, &state, &pages, &current, "landing", id).await;
    };
    let input = ReviewInput {
        queue: q
            .queue
            .as_deref()
            .map(|q| super::queue::QueueQuery::parse(q).query()),
        ..ReviewInput::default()
    };
    render(&landing_view(d, chrome, &current, None, input))
}

/// A landing page's parameters: the review queue it was opened from, if any.
#[derive(Deserialize)]
pub(super) struct LandingQuery {
    queue: Option<String>,
}

/// The landing page of `d` for `current`, with a review error to show when there is one.
pub(super) fn landing_view(
    d: LandingDetail,
    chrome: Chrome,
    current: &CurrentUser,
    review_error: Option<String>,
    input: ReviewInput,
) -> LandingPage {
    let l = &d.landing;
    let code_name = |c: Option<i16>, f: &dyn Fn(i64) -> Option<String>| match c {
        Some(c) => f(c.into())
            .map(|n| format!("{n} ({c})"))
            .unwrap_or_else(|| format!("unknown code {c}")),
        None => "–".into(),
    };
    let fields = vec![
        Field {
            name: "Trip id (source)",
            value: l.source_id.to_string(),
        },
        Field {
            name: "Date",
            value: opt(l.date),
        },
        Field {
            name: "Landing site",
            value: l.site.path.to_string(),
        },
        Field {
            name: "Municipality",
            value: l
                .site
                .municipality
                .clone()
                .unwrap_or_else(|| "unknown".into()),
        },
        Field {
            name: "Boat type",
            value: code_name(l.boat_code, &|c| {
                BoatType::from_code(c).ok().map(|b| b.to_string())
            }),
        },
        Field {
            name: "Gear",
            value: code_name(l.gear_code, &|c| {
                Gear::from_code(c).ok().map(|g| g.to_string())
            }),
        },
        Field {
            name: "Habitat",
            value: code_name(l.habitat_code, &|c| {
                Habitat::from_code(c).ok().map(|h| h.to_string())
            }),
        },
        Field {
            name: "Mesh (inches)",
            value: opt(l.mesh_inches),
        },
        Field {
            name: "Hours at sea",
            value: opt(l.hours_at_sea),
        },
        Field {
            name: "Fishers (men / women / children)",
            value: format!(
                "{} / {} / {}",
                opt(l.fishers.men),
                opt(l.fishers.women),
                opt(l.fishers.children)
            ),
        },
        Field {
            name: "Fishers in all",
            value: opt(l.fishers.total),
        },
        Field {
            name: "Fisher-hours",
            value: opt(l.fisher_hours),
        },
        Field {
            name: "Catch value (USD)",
            value: opt(l.catch_value_usd),
        },
        Field {
            name: "Tracker",
            value: format!(
                "{} {}",
                l.has_tracker
                    .map(|t| if t { "yes" } else { "no" })
                    .unwrap_or("–"),
                l.imei.clone().unwrap_or_default()
            ),
        },
        Field {
            name: "Boats landing that day",
            value: opt(l.boats_landing),
        },
        Field {
            name: "Source flag",
            value: opt(l.source_flag),
        },
        Field {
            name: "Note",
            value: l.note.clone().unwrap_or_default(),
        },
    ];
    let a = &d.assessment;
    let assessed = vec![
        Field {
            name: "Hours at sea used",
            value: a
                .hours_at_sea
                .map(|h| num(h, 1))
                .unwrap_or_else(|| "–".into()),
        },
        Field {
            name: "Fisher-hours used",
            value: a
                .effort
                .map(|e| num(e.value(), 1))
                .unwrap_or_else(|| "–".into()),
        },
        Field {
            name: "Habitat in summaries",
            value: opt(a.summary_habitat_code),
        },
        Field {
            name: "Catch (kg)",
            value: num(a.catch.value(), 3),
        },
        Field {
            name: "Value in value totals (USD)",
            value: a
                .value
                .map(|v| num(v.value(), 2))
                .unwrap_or_else(|| "–".into()),
        },
    ];
    let lines = l
        .catch_lines
        .iter()
        .enumerate()
        .map(|(i, c)| CatchLineRow {
            no: i + 1,
            species: match c.species_code {
                Some(code) => match d.species_names.get(&code) {
                    Some(n) => format!("{n} ({code})"),
                    None => format!("unknown species {code}"),
                },
                None => "–".into(),
            },
            length: opt(c.length_cm),
            count: opt(c.count),
            weight_kg: c
                .weight_g
                .map(|g| num(g / 1000.0, 3))
                .unwrap_or_else(|| "–".into()),
            catch_use: c
                .catch_use
                .map(|u| u.key().to_string())
                .unwrap_or_else(|| "–".into()),
            flag: opt(c.source_flag),
        })
        .collect();
    let flags = a
        .flags
        .iter()
        .map(|f| FlagRow {
            code: f.code.clone(),
            severity: f.severity.to_string(),
            reason: f.reason.clone(),
            values: f
                .values
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let can_review = current
        .grants
        .scope(Permission::Review)
        .covers(&l.site.path);
    let codes = |all: Vec<(String, String)>, chosen: &Option<String>| choices(all, chosen);
    LandingPage {
        chrome,
        id: l.id.0.to_string(),
        source_id: l.source_id,
        fields,
        assessed,
        lines,
        flags,
        counted: d.counts_in_summaries,
        rule_set: a.rule_set.clone(),
        import_id: d.import_id.to_string(),
        matched_trip: d.matched_trip.map(|t| t.to_string()).unwrap_or_default(),
        position: ListPosition {
            date: l.date,
            source_id: l.source_id,
            id: l.id.0,
        }
        .to_param(),
        import_label: d
            .import
            .as_ref()
            .map(|i| {
                format!(
                    "the {} import of {} by {}",
                    i.source,
                    i.started_at.format("%Y-%m-%d %H:%M UTC"),
                    i.started_by
                )
            })
            .unwrap_or_default(),
        review_status: d.review_status.clone().unwrap_or_default(),
        reviews: d
            .reviews
            .iter()
            .map(|r| ReviewRow {
                at: r.decided_at.format("%Y-%m-%d %H:%M").to_string(),
                reviewer: r.reviewer.clone(),
                decision: r.decision.clone(),
                reason: r.reason.clone(),
                changes: r
                    .changes
                    .iter()
                    .map(|(f, old, new)| format!("{f}: {old} → {new}"))
                    .collect(),
            })
            .collect(),
        can_review,
        review_error,
        habitats: codes(
            Habitat::ALL
                .iter()
                .map(|h| (h.code().to_string(), h.to_string()))
                .collect(),
            &input.habitat,
        ),
        gears: codes(
            Gear::ALL
                .iter()
                .map(|g| (g.code().to_string(), g.to_string()))
                .collect(),
            &input.gear,
        ),
        boats: codes(
            BoatType::ALL
                .iter()
                .map(|b| (b.code().to_string(), b.to_string()))
                .collect(),
            &input.boat,
        ),
        input,
    }
}
