//! Tools over paysdk's code generator.
//!
//! `paysdk-codegen examples <spec> <out.rs>` writes the program that decodes the spec's
//! response examples with the generated client (see `docs/corpus.md`); it prints how many
//! examples the program checks.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: paysdk-codegen examples <spec file or folder> <out.rs>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [command, spec, out] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if command != "examples" {
        eprintln!("paysdk-codegen: unknown command '{command}'\n{USAGE}");
        return ExitCode::from(2);
    }
    match paysdk_codegen::examples::decode_check(Path::new(spec)) {
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
