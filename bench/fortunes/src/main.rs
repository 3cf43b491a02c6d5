//! A bare Fortunes page: `GET /fortunes` reads the 12 rows of `fortune`, adds one, sorts them
//! by message and renders them with askama. `DATABASE_URL` names the database, `BIND` the
//! address (default 127.0.0.1:8099); the pool holds 16 connections like tasi's.

use actix_web::{App, HttpResponse, HttpServer, web};
use askama::Template;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};

diesel::table! {
    fortune (id) {
        id -> Int4,
        message -> Text,
    }
}

type PgPool = Pool<ConnectionManager<PgConnection>>;

#[derive(Template)]
#[template(path = "fortunes.html")]
struct FortunesPage {
    fortunes: Vec<(i32, String)>,
}

async fn fortunes(pool: web::Data<PgPool>) -> HttpResponse {
    let pool = pool.clone();
    let rows = web::block(move || -> Result<Vec<(i32, String)>, String> {
        let mut c = pool.get().map_err(|e| e.to_string())?;
        fortune::table
            .select((fortune::id, fortune::message))
            .load(&mut c)
            .map_err(|e| e.to_string())
    })
    .await;
    let mut rows = match rows {
        Ok(Ok(rows)) => rows,
        Ok(Err(e)) => return HttpResponse::InternalServerError().body(e),
        Err(e) => return HttpResponse::InternalServerError().body(e.to_string()),
    };
    rows.push((0, "Additional fortune added at request time.".to_string()));
    rows.sort_by(|a, b| a.1.cmp(&b.1));
    match (FortunesPage { fortunes: rows }).render() {
        Ok(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(std::io::Error::other)?;
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:8099".into());
    let pool = Pool::builder()
        .max_size(16)
        .build(ConnectionManager::<PgConnection>::new(url))
        .map_err(std::io::Error::other)?;
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(pool.clone()))
            .route("/fortunes", web::get().to(fortunes))
    })
    .bind(bind)?
    .run()
    .await
}
