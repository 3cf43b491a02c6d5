//! The audit log as an admin reads it: the entries of their scope.

use crate::application::access::ports::{AdminQueries, AuditFilter};
use crate::application::shared::StoreError;

use super::{AUDIT_PAGE_SIZE, Administrator, AuditPage};

/// Page `page` (from 1) of the audit entries `admin` may read: those matching `filter`
/// whose jurisdiction is none or lies inside the admin's scope, newest first,
/// [`AUDIT_PAGE_SIZE`] a page.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub fn audit_entries(
    queries: &dyn AdminQueries,
    admin: &Administrator,
    filter: &AuditFilter,
    page: u64,
) -> Result<AuditPage, StoreError> {
    let offset = page.saturating_sub(1).saturating_mul(AUDIT_PAGE_SIZE);
    let mut entries = queries.audit_entries(&admin.scope, filter, offset, AUDIT_PAGE_SIZE + 1)?;
    let more = entries.len() as u64 > AUDIT_PAGE_SIZE;
    entries.truncate(AUDIT_PAGE_SIZE as usize);
    Ok(AuditPage { entries, more })
}
