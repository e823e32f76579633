//! Tools over paysdk's code generator.
//!
//! `paysdk-codegen print <spec>` prints the formatted module a spec file or folder becomes
//! (its sidecar and overlay applied), as a build script writes it.
//!
//! `paysdk-codegen examples <spec> <out.rs>` writes the program that decodes the spec's
//! response examples with the generated client (see `docs/corpus.md`); it prints how many
//! examples the program checks.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: paysdk-codegen print <spec file or folder>
       paysdk-codegen examples <spec file or folder> <out.rs>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["print", spec] => print(Path::new(spec)),
        ["examples", spec, out] => examples(Path::new(spec), out),
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        [command, ..] if !["print", "examples"].contains(command) => {
            eprintln!("paysdk-codegen: unknown command '{command}'\n{USAGE}");
            ExitCode::from(2)
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn print(spec: &Path) -> ExitCode {
    match paysdk_codegen::print_module(spec) {
        Ok(code) => {
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = std::io::stdout().lock().write_all(code.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn examples(spec: &Path, out: &str) -> ExitCode {
    match paysdk_codegen::examples::decode_check(spec) {
        Ok((program, count)) => match std::fs::write(out, program) {
            Ok(()) => {
                println!("{count} examples");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("paysdk-codegen: cannot write {out}: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
