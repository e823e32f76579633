//! `spec-diff`: breaking-change detection for OpenAPI specs. See docs/spec-diff.md.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use paysdk::diff::cli::{self, Color, Options};
use paysdk::diff::report::Format;
use paysdk::diff::{Level, LevelOverrides, Rule, rules};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Markdown,
    Githubactions,
    Junit,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum LevelArg {
    #[value(name = "ERR", alias = "err")]
    Err,
    #[value(name = "WARN", alias = "warn")]
    Warn,
    #[value(name = "INFO", alias = "info")]
    Info,
    #[value(name = "NONE", alias = "none")]
    None,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Report breaking changes between two versions of OpenAPI specs.
///
/// Exit codes: 0 nothing reaches --fail-on; 1 something does (or the semver
/// gate fails); 2 bad usage or an unreadable/invalid spec.
#[derive(Debug, Parser)]
#[command(name = "spec-diff", version)]
struct Args {
    /// `OLD NEW` (files or REV:PATH), or one directory/file with --base.
    #[arg(required_unless_present = "list_rules", num_args = 1..=2)]
    inputs: Vec<String>,
    /// Compare against this git revision (directory mode also reports added/removed specs).
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value = "text")]
    format: FormatArg,
    /// Exit 1 when a finding reaches this level (NONE: report only). With
    /// --require-major-bump, ERR findings pass when the crate's major version increased.
    #[arg(long, value_enum, default_value = "ERR")]
    fail_on: LevelArg,
    /// Ignore file (YAML list of {id, operation, reason, fingerprint?, spec?}).
    #[arg(long, value_name = "FILE")]
    ignore: Option<PathBuf>,
    /// Fail when ERR findings exist and the crate's major version did not increase against the base revision.
    #[arg(long)]
    require_major_bump: bool,
    /// Report RULE at LEVEL (ERR, WARN or INFO) instead of its default; repeatable. Rule ids
    /// are listed by --list-rules.
    #[arg(long = "level", value_name = "RULE=LEVEL", value_parser = LevelOverrides::parse_setting)]
    levels: Vec<(&'static Rule, Level)>,
    /// Cargo manifest read by --require-major-bump.
    #[arg(long, value_name = "PATH", default_value = "Cargo.toml")]
    manifest: PathBuf,
    /// Colour text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// Today's date (YYYY-MM-DD) for x-sunset checks; defaults to the system date.
    #[arg(long, value_name = "DATE", hide = true)]
    today: Option<String>,
    /// Print the rule table (Markdown) and exit.
    #[arg(long)]
    list_rules: bool,
}

const USAGE: &str = "Usage: spec-diff [OPTIONS] OLD NEW | spec-diff --base REV DIR (see --help)";

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        // --help and --version print to stdout and exit 0.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // clap names the bad argument; the usage line says what a good call looks like.
            let message = e.render().to_string();
            eprint!("{message}");
            if !message.contains("Usage:") {
                eprintln!("{USAGE}");
            }
            return ExitCode::from(2);
        }
    };
    if args.list_rules {
        print!("{}", rules::markdown_table());
        return ExitCode::SUCCESS;
    }
    let opts = Options {
        inputs: args.inputs,
        base: args.base,
        format: match args.format {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Githubactions => Format::GithubActions,
            FormatArg::Junit => Format::Junit,
        },
        fail_on: match args.fail_on {
            LevelArg::Err => Some(Level::Err),
            LevelArg::Warn => Some(Level::Warn),
            LevelArg::Info => Some(Level::Info),
            LevelArg::None => None,
        },
        ignore: args.ignore,
        require_major_bump: args.require_major_bump,
        manifest: args.manifest,
        color: match args.color {
            ColorArg::Auto => Color::Auto,
            ColorArg::Always => Color::Always,
            ColorArg::Never => Color::Never,
        },
        today: args.today,
        levels: args.levels.into_iter().fold(
            LevelOverrides::default(),
            |mut levels, (rule, level)| {
                levels.set(rule, level);
                levels
            },
        ),
    };
    match cli::run(&opts) {
        Ok((text, code)) => {
            print!("{text}");
            ExitCode::from(code as u8)
        }
        Err(e) => {
            eprintln!("spec-diff: error: {e}");
            if e.file.is_none() {
                eprintln!("{USAGE}");
            }
            ExitCode::from(2)
        }
    }
}
