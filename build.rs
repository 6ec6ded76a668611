// The built-in catalog (controls, policies, profiles, evidence schemas) is embedded in
// the binary with include_dir!, which cannot tell cargo to rebuild when those files
// change on stable Rust; these lines do, so an edited control is never silently stale.
fn main() {
    for dir in ["controls", "policies", "profiles", "schemas", "statements"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
