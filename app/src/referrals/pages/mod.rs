//! Referral screens: the professional's form and list, the public self-referral form, the
//! builders' queue, one referral (what each person may see and do), wellbeing answers,
//! referring on and the organisations' answers, and the admins' access log. Every form is an `ActionForm` and works with JavaScript off.

mod form;
mod list;
mod log;
mod onward;
mod referral;
mod wellbeing;

pub use form::{NewReferralPage, SelfReferralPage, SelfReferralSentPage};
pub use list::ReferralsPage;
pub use log::ReferralLogPage;
pub use onward::{OnwardInboxPage, OnwardPage};
pub use referral::ReferralPage;
pub use wellbeing::WellbeingPage;
