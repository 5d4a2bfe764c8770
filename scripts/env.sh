# Sourced by the other scripts: tool paths shared by build, run and test.
# end2end/node_modules/.bin holds npm's wasm-opt, which cargo-leptos uses for release wasm.
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
