//! Reading statements: a member's own hours, and a builder's view of one member's hours.

#[allow(unused_imports)]
use super::*;

/// The signed-in member's own hours. Nobody else's statement is reachable from here.
#[server(endpoint = "my_hours")]
pub async fn my_hours(page: Option<u32>) -> Result<MyHoursView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let m = require_active_member(&viewer)?;
            let me = AccountRef::Member(viewer.user_id.clone());
            let (summary, around) =
                queries::account_summary_around(&st.db, &m.network_id, &me, "Your hours", page.unwrap_or(1), PER_PAGE).await?;
            // Most members act for no organisation: their list is read only for those who do.
            let organisations = if around.acts_for_organisations {
                queries::organisations_of(&st.db, &m.network_id, &viewer.user_id).await?
            } else {
                vec![]
            };
            Ok(MyHoursView { summary, organisations, pool_minutes: around.pool_minutes })
        }
        .await,
    )
}

/// What a community builder sees of one member's hours.
#[server(endpoint = "member_hours")]
pub async fn member_hours(user_id: String, page: Option<u32>) -> Result<MemberHoursView, AppError> {
    finish(
        async {
            let st = state()?;
            let viewer = signed_in().await?;
            let (network, locality, name) = member_in_scope(&st, &viewer, &user_id).await?;
            let account = AccountRef::Member(user_id.clone());
            let (summary, around) = queries::account_summary_around(&st.db, &network, &account, &name, page.unwrap_or(1), PER_PAGE).await?;
            let limit_changes = queries::limit_changes(&st.db, &account.id(&network)).await?;
            let pool = around.pool_minutes;
            let locality_name = viewer
                .builder_of
                .iter()
                .find(|s| s.locality_id.as_deref() == Some(locality.as_str()))
                .map(|s| s.label.clone())
                .unwrap_or_default();
            Ok(MemberHoursView { user_id, locality_name, summary, limit_changes, pool_minutes: pool })
        }
        .await,
    )
}
