//! Colour for error reports (tracebacks, syntax errors) — only on a terminal, never with NO_COLOR.

use std::io::IsTerminal;

const MAGENTA: &str = "\x1b[35m";
const BOLD_MAGENTA: &str = "\x1b[1;35m";
const RED: &str = "\x1b[31m";
const RESET: &str = "\x1b[0m";

/// Whether stderr should get colour: a terminal, and the user has not opted out
/// (https://no-color.org: any non-empty NO_COLOR disables colour).
pub fn stderr_wants_colour() -> bool {
    let opted_out = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !opted_out && std::io::stderr().is_terminal()
}

/// Colours a traceback or syntax-error report in the spirit of CPython 3.13: file names and
/// line numbers in magenta, carets in red, the final `Type: message` line in bold.
pub fn colourize_report(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if let Some(rest) = body.strip_prefix("  File \"") {
            match rest.find('"') {
                Some(q) => {
                    let (name, after) = rest.split_at(q);
                    out.push_str(&format!(
                        "  File {MAGENTA}\"{name}\"{RESET}{}",
                        colour_line_no(&after[1..])
                    ));
                }
                None => out.push_str(body),
            }
        } else if !body.trim().is_empty() && body.trim().chars().all(|c| c == '^' || c == '~') {
            out.push_str(&format!("{RED}{body}{RESET}"));
        } else if is_exception_line(body) {
            match body.split_once(": ") {
                Some((ty, msg)) => {
                    out.push_str(&format!("{BOLD_MAGENTA}{ty}{RESET}: {MAGENTA}{msg}{RESET}"))
                }
                None => out.push_str(&format!("{BOLD_MAGENTA}{body}{RESET}")),
            }
        } else {
            out.push_str(body);
        }
        out.push_str(nl);
    }
    out
}

fn colour_line_no(after: &str) -> String {
    // after is `, line N, in name` or `, line N`
    let Some(rest) = after.strip_prefix(", line ") else {
        return after.to_string();
    };
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (num, tail) = rest.split_at(end);
    match tail.strip_prefix(", in ") {
        Some(func) => format!(", line {MAGENTA}{num}{RESET}, in {MAGENTA}{func}{RESET}"),
        None => format!(", line {MAGENTA}{num}{RESET}{tail}"),
    }
}

/// The last line of each exception in a report starts in column 0 and is not one of the
/// fixed connective lines.
fn is_exception_line(line: &str) -> bool {
    !line.is_empty()
        && !line.starts_with(' ')
        && !line.starts_with("Traceback (most recent call last)")
        && !line.starts_with("During handling of the above exception")
        && !line.starts_with("The above exception was the direct cause")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_files_carets_and_the_exception_line() {
        let report = "Traceback (most recent call last):\n  File \"a.wk\", line 3, in f\n    1/0\nZeroDivisionError: division by zero\n";
        let c = colourize_report(report);
        assert!(c.starts_with("Traceback (most recent call last):\n"));
        assert!(c.contains(&format!(
            "File {MAGENTA}\"a.wk\"{RESET}, line {MAGENTA}3{RESET}, in {MAGENTA}f{RESET}"
        )));
        assert!(c.contains("    1/0\n"));
        assert!(c.contains(&format!(
            "{BOLD_MAGENTA}ZeroDivisionError{RESET}: {MAGENTA}division by zero{RESET}\n"
        )));
        let syn = colourize_report(
            "  File \"b.wk\", line 1\n    x = = 1\n        ^\nSyntaxError: invalid syntax\n",
        );
        assert!(syn.contains(&format!("{RED}        ^{RESET}")));
        // stripping the escapes gives back the plain report
        let plain = c
            .replace(BOLD_MAGENTA, "")
            .replace(MAGENTA, "")
            .replace(RESET, "");
        assert_eq!(plain, report);
    }
}
