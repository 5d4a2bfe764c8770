//! A member's photo: sent from Account as a plain form (`POST /account/photo`, multipart, so
//! it works without JavaScript and lets a phone offer its camera or gallery), checked by
//! its contents, decoded within limits, turned upright by its EXIF orientation, cropped to
//! a square, resized and re-encoded as a JPEG without any metadata (no place, no camera, no
//! time), and kept in the database so every server sees it. Served at
//! `/photos/{token}.jpg` to whoever may see the member's profile; the token changes with
//! each new photo, so the browser of the person signed in may keep a copy for a week.

use super::domain::{may_see_profile, PhotoProblem, MAX_PHOTO_BYTES, PHOTO_SIDE};
use crate::networks::domain::{require_active_member, MembershipStatus};
use crate::platform::request::viewer_from_headers;
use crate::platform::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderMap, StatusCode};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The pixels a sent picture may have on a side (a 50-megapixel phone camera makes about
/// 8,200 × 6,100); larger is refused before anything is decoded.
const MAX_SIDE: u32 = 10_000;
/// The memory a decode may use (a 10,000 × 10,000 RGBA picture needs 400 MB).
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// JPEG quality of the kept photo: small, and good enough for a face at 160 px.
const QUALITY: u8 = 82;

/// The picture as kept: upright, square, [`PHOTO_SIDE`] pixels a side, JPEG, no metadata.
pub fn reencode(bytes: &[u8]) -> Result<Vec<u8>, PhotoProblem> {
    if bytes.is_empty() {
        return Err(PhotoProblem::Empty);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoProblem::TooBig);
    }
    // Judged by its first bytes, never by the name or type the browser sent.
    let format = image::guess_format(bytes).map_err(|_| PhotoProblem::NotAPicture)?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif) {
        return Err(PhotoProblem::NotAPicture);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoProblem::Unreadable)?;
    let orientation = decoder.orientation().map_err(|_| PhotoProblem::Unreadable)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| PhotoProblem::Unreadable)?;
    picture.apply_orientation(orientation);
    let square = picture.resize_to_fill(PHOTO_SIDE, PHOTO_SIDE, image::imageops::FilterType::Lanczos3).to_rgb8();
    let mut out = Vec::with_capacity(32 * 1024);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY).encode_image(&square).map_err(|_| PhotoProblem::Unreadable)?;
    Ok(out)
}

fn back_to_account(outcome: Result<(), PhotoProblem>) -> Response {
    let to = match outcome {
        Ok(()) => "/account?changed=photo#photo-heading".to_string(),
        Err(p) => format!("/account?photo={}#photo-heading", p.as_str()),
    };
    Redirect::to(&to).into_response()
}

/// `POST /account/photo`: the member's new photo (the form's `photo` field).
pub async fn upload(State(st): State<AppState>, headers: HeaderMap, mut form: Multipart) -> Response {
    let viewer = match viewer_from_headers(&st, &headers).await {
        Ok(Some(v)) => v,
        Ok(None) => return Redirect::to("/sign-in?next=/account").into_response(),
        Err(e) => return (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e.to_string()).into_response(),
    };
    if let Err(e) = require_active_member(&viewer) {
        return (StatusCode::FORBIDDEN, e.to_string()).into_response();
    }
    let mut sent: Option<Vec<u8>> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("photo") => match field.bytes().await {
                Ok(b) => sent = Some(b.to_vec()),
                // The body passed the route's limit, or was cut short.
                Err(_) => return back_to_account(Err(PhotoProblem::TooBig)),
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => return back_to_account(Err(PhotoProblem::TooBig)),
        }
    }
    let bytes = sent.unwrap_or_default();
    // Decoding a camera's photo takes a CPU for a moment: off the request threads.
    let kept = match tokio::task::spawn_blocking(move || reencode(&bytes)).await {
        Ok(Ok(kept)) => kept,
        Ok(Err(problem)) => return back_to_account(Err(problem)),
        Err(_) => return back_to_account(Err(PhotoProblem::Unreadable)),
    };
    match super::store::save_photo(&st.db, &viewer.user_id, &kept).await {
        Ok(()) => back_to_account(Ok(())),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// `GET /photos/{token}.jpg`: a member's photo, for whoever may see their profile; anyone
/// else gets the same 404 as for a photo that does not exist.
pub async fn serve(State(st): State<AppState>, headers: HeaderMap, Path(file): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "There is nothing at this address.").into_response();
    let Some(token) = file.strip_suffix(".jpg").filter(|t| !t.is_empty() && t.len() <= 64) else { return not_found() };
    let viewer = match viewer_from_headers(&st, &headers).await {
        Ok(Some(v)) => v,
        Ok(None) => return not_found(),
        Err(e) => return (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), e.to_string()).into_response(),
    };
    let photo = match super::store::photo_by_token(&st.db, token).await {
        Ok(Some(p)) => p,
        Ok(None) => return not_found(),
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let status = MembershipStatus::parse(&photo.status).unwrap_or(MembershipStatus::Suspended);
    if !may_see_profile(&viewer, &photo.user_id, &photo.network_id, &photo.locality_id, status) {
        return not_found();
    }
    (
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            // The address changes with the photo, so it never goes stale: the signed-in
            // browser (never a shared cache) may keep it for a week.
            (header::CACHE_CONTROL, "private, max-age=604800, immutable"),
        ],
        photo.image,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, RgbImage};

    fn jpeg(width: u32, height: u32, exif: Option<Vec<u8>>) -> Vec<u8> {
        let picture =
            RgbImage::from_fn(width, height, |x, _| if x < width / 2 { image::Rgb([250, 20, 20]) } else { image::Rgb([20, 20, 250]) });
        let mut out = vec![];
        let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
        if let Some(exif) = exif {
            encoder.set_exif_metadata(exif).unwrap();
        }
        encoder.write_image(picture.as_raw(), width, height, image::ExtendedColorType::Rgb8).unwrap();
        out
    }

    /// A little-endian EXIF block with the orientation and a camera maker's name.
    fn exif(orientation: u8, maker: &str) -> Vec<u8> {
        let mut e = b"II\x2a\0\x08\0\0\0".to_vec();
        e.extend_from_slice(&[2, 0]); // two entries
        e.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0]); // Orientation, SHORT
        let offset = 8 + 2 + 2 * 12 + 4;
        e.extend_from_slice(&[0x0f, 0x01, 2, 0]); // Make, ASCII
        e.extend_from_slice(&((maker.len() + 1) as u32).to_le_bytes());
        e.extend_from_slice(&(offset as u32).to_le_bytes());
        e.extend_from_slice(&[0, 0, 0, 0]); // no next directory
        e.extend_from_slice(maker.as_bytes());
        e.push(0);
        e
    }

    #[test]
    fn a_photo_is_kept_square_small_upright_and_without_its_metadata() {
        // 400 × 200, red on the left, blue on the right; orientation 6: turn it a quarter clockwise.
        let sent = jpeg(400, 200, Some(exif(6, "SecretCameraMaker")));
        assert!(sent.windows(17).any(|w| w == b"SecretCameraMaker"));
        let kept = reencode(&sent).unwrap();
        assert!(!kept.windows(17).any(|w| w == b"SecretCameraMaker"), "metadata is dropped");
        assert!(!kept.windows(4).any(|w| w == b"Exif"));
        let picture = image::load_from_memory_with_format(&kept, ImageFormat::Jpeg).unwrap().to_rgb8();
        assert_eq!((picture.width(), picture.height()), (PHOTO_SIDE, PHOTO_SIDE));
        // Turned upright: red (the left) is now at the top, blue at the bottom.
        let top = picture.get_pixel(PHOTO_SIDE / 2, 10);
        let bottom = picture.get_pixel(PHOTO_SIDE / 2, PHOTO_SIDE - 10);
        assert!(top[0] > 180 && top[2] < 80, "top is red: {top:?}");
        assert!(bottom[2] > 180 && bottom[0] < 80, "bottom is blue: {bottom:?}");
    }

    #[test]
    fn what_is_not_a_readable_picture_is_refused_by_its_contents() {
        assert_eq!(reencode(b"").err(), Some(PhotoProblem::Empty));
        assert_eq!(reencode(b"hello, this is a text file called photo.jpg").err(), Some(PhotoProblem::NotAPicture));
        assert_eq!(reencode(b"%PDF-1.7 a document").err(), Some(PhotoProblem::NotAPicture));
        // A JPEG cut off inside its header (one cut later in its pixels still shows the part
        // that came, as browsers do).
        let whole = jpeg(300, 300, None);
        assert_eq!(reencode(&whole[..40]).err(), Some(PhotoProblem::Unreadable));
        assert_eq!(reencode(&vec![0xFF; MAX_PHOTO_BYTES + 1]).err(), Some(PhotoProblem::TooBig));
    }

    #[test]
    fn a_picture_claiming_too_many_pixels_is_refused_before_decoding() {
        // A PNG header saying 60,000 × 60,000 (it would need 14 GB) and nothing behind it.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&60_000u32.to_be_bytes());
        png.extend_from_slice(&60_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0]);
        let crc = crc32(&png[12..]);
        png.extend_from_slice(&crc.to_be_bytes());
        assert_eq!(reencode(&png).err(), Some(PhotoProblem::Unreadable));
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= *b as u32;
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
}
