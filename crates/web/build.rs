//! Builds the dashboard (`web/`) with npm into a cache keyed by a hash of its sources; a cached build is reused.
//!
//! The cache lives beside the target dir's profiles (`<target>/paygate-web/<hash>/`), so debug, release,
//! clippy and fresh clones sharing one `CARGO_TARGET_DIR` build the same sources once. Set
//! `PAYGATE_WEB_PREBUILT=<dir>` to embed a dist directory built elsewhere (no npm needed).

use std::{
    env, fs, io,
    path::{Path, PathBuf},
    process::Command,
};

/// Everything the built files depend on (relative to `web/`).
const INPUTS: &[&str] = &[
    "src",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "postcss.config.cjs",
];

/// A copy of the lock file that `node_modules` was installed from (scripts/test writes the same stamp).
const DEPS_STAMP: &str = "node_modules/.paygate-package-lock.json";

fn main() {
    if let Err(message) = run() {
        eprintln!("\nerror: {message}\n");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-env-changed=PAYGATE_WEB_PREBUILT");
    if let Some(prebuilt) = env::var_os("PAYGATE_WEB_PREBUILT") {
        let dist = PathBuf::from(prebuilt);
        if !dist.join("index.html").is_file() {
            return Err(format!("PAYGATE_WEB_PREBUILT={} has no index.html", dist.display()));
        }
        println!("cargo:rerun-if-changed={}", dist.display());
        println!("cargo:rustc-env=PAYGATE_WEB_DIST={}", dist.display());
        return Ok(());
    }
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let web = manifest.join("../../web");
    for input in INPUTS {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    let hash = hash_inputs(&web).map_err(|e| format!("cannot read the dashboard sources in web/: {e}"))?;
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    // <target>/<profile>/build/<package>/out → <target>
    let cache = out.ancestors().nth(4).unwrap_or(&out).join("paygate-web");
    let dist = cache.join(format!("{hash:016x}"));
    if !dist.join("index.html").is_file() {
        build(&web, &cache, &dist)?;
    }
    println!("cargo:rustc-env=PAYGATE_WEB_DIST={}", dist.display());
    Ok(())
}

fn build(web: &Path, cache: &Path, dist: &Path) -> Result<(), String> {
    let npm_works = Command::new("npm").arg("--version").output().is_ok_and(|o| o.status.success());
    if !npm_works {
        return Err("the dashboard (web/) must be built, but `npm` was not found. Install Node.js 20.19 or \
                    newer (with npm) and build again, or set PAYGATE_WEB_PREBUILT to a built web/dist."
            .into());
    }
    let lock = fs::read(web.join("package-lock.json")).map_err(|e| format!("web/package-lock.json: {e}"))?;
    if fs::read(web.join(DEPS_STAMP)).ok().as_deref() != Some(lock.as_slice()) {
        run_npm(web, &["ci", "--no-audit", "--no-fund"])?;
        fs::write(web.join(DEPS_STAMP), &lock).map_err(|e| e.to_string())?;
    }
    let staging = cache.join(format!("tmp-{}", std::process::id()));
    let staging_arg = staging.display().to_string();
    run_npm(
        web,
        &["exec", "--", "vite", "build", "--outDir", &staging_arg, "--emptyOutDir", "--logLevel", "warn"],
    )?;
    // Another build of the same sources may have finished first; either copy is the same.
    if fs::rename(&staging, dist).is_err() && !dist.join("index.html").is_file() {
        return Err(format!("could not move the dashboard build to {}", dist.display()));
    }
    let _ = fs::remove_dir_all(&staging);
    Ok(())
}

fn run_npm(web: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new("npm")
        .args(args)
        .current_dir(web)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .status()
        .map_err(|e| format!("npm {}: {e}", args.join(" ")))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`npm {}` in web/ failed ({status}); see its output above", args.join(" ")))
    }
}

/// FNV-1a over every input file's path and content, in a stable order.
fn hash_inputs(web: &Path) -> io::Result<u64> {
    let mut files = Vec::new();
    for input in INPUTS {
        collect(&web.join(input), &mut files)?;
    }
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for file in files {
        let relative = file.strip_prefix(web).unwrap_or(&file);
        feed(relative.to_string_lossy().as_bytes());
        feed(&[0]);
        feed(&fs::read(&file)?);
        feed(&[0]);
    }
    Ok(hash)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    if path.is_dir() {
        for entry in fs::read_dir(path)? {
            collect(&entry?.path(), files)?;
        }
    } else if path.is_file() && !path.to_string_lossy().contains(".test.") {
        files.push(path.to_path_buf());
    }
    Ok(())
}
