//! How long the server takes to keep a member's photo (`profiles::photo::reencode`): a
//! phone camera's 12-megapixel JPEG and a 2-megapixel PNG screenshot, decoded, turned
//! upright, cropped, resized to 320 px and re-encoded, on one core.
//!
//! `cargo run --release -p server --example photo_bench`

use image::ImageEncoder;
use std::time::Instant;

fn camera_jpeg(width: u32, height: u32) -> Vec<u8> {
    // Texture, not a flat colour: a flat picture compresses (and decodes) unrealistically fast.
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 24;
        image::Rgb([(x / 16 % 256) as u8 ^ n as u8, (y / 16 % 256) as u8, ((x + y) / 32 % 256) as u8])
    });
    let mut out = vec![];
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88)
        .write_image(picture.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

fn screenshot_png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 200) as u8, (y % 180) as u8, 120]));
    let mut out = std::io::Cursor::new(vec![]);
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn main() {
    for (name, bytes) in [("12 MP JPEG (4000 × 3000)", camera_jpeg(4000, 3000)), ("2 MP PNG (1080 × 1920)", screenshot_png(1080, 1920))] {
        let mut times = vec![];
        let mut kept = 0;
        for _ in 0..7 {
            let t = Instant::now();
            kept = app::profiles::photo::reencode(&bytes).expect("a photo").len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{name}: sent {:.1} MB, kept {:.1} KB; median {:.0} ms, slowest {:.0} ms (7 runs)",
            bytes.len() as f64 / 1e6,
            kept as f64 / 1e3,
            times[3],
            times[6]
        );
    }
}
