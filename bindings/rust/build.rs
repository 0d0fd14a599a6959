//! Links the aftersales shared library: from the directory named by AFTERSALES_LIB_DIR (a build
//! tree's `src/` or an install prefix's `lib/`), else from the linker's default paths.

use std::env;

fn main() {
    println!("cargo:rerun-if-env-changed=AFTERSALES_LIB_DIR");
    if let Some(dir) = env::var_os("AFTERSALES_LIB_DIR") {
        let dir = dir.to_string_lossy().into_owned();
        println!("cargo:rustc-link-search=native={}", dir);
        // The crate's own tests and examples find the library where they were linked without
        // LD_LIBRARY_PATH; a program depending on the crate chooses its own rpath.
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
    println!("cargo:rustc-link-lib=dylib=aftersales");
}
