//! The real binary: flags, `--check`, start-up and a graceful stop.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_realtime-lab"))
}

#[test]
fn check_reports_a_bad_lesson_with_file_and_line_and_fails() {
    let output = binary()
        .args([
            "--check",
            "--content-dir",
            "tests/fixtures/invalid/unknown-demo",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr
            .contains("tests/fixtures/invalid/unknown-demo/01-demo.md:7: unknown demo `sse-clok`"),
        "{stderr}"
    );
}

#[test]
fn check_passes_on_the_course() {
    let output = binary()
        .args(["--check", "--content-dir", "content"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let lessons = lessons_in_content();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("{lessons} lessons in content are fine.\n")
    );
}

#[test]
fn check_without_a_folder_checks_the_course_built_into_the_binary() {
    let output = binary()
        .arg("--check")
        .env_remove("REALTIME_LAB_CONTENT")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(output.status.success());
    let lessons = lessons_in_content();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("{lessons} lessons in the course built into this binary are fine.\n")
    );
}

#[test]
fn a_closed_stdout_does_not_stop_the_server() {
    let mut child = binary()
        .args(["--addr", "127.0.0.1:0", "--no-watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // nobody reads what the server announces
    std::thread::sleep(Duration::from_millis(1500));
    let still_running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    assert!(
        still_running,
        "the server died: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_bad_flag_names_itself() {
    let output = binary().args(["--addr", "localhost"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("invalid value 'localhost' for '--addr <ADDR>'"),
        "{stderr}"
    );
}

#[test]
fn a_missing_content_folder_says_how_to_point_at_one() {
    let output = binary()
        .args(["--check", "--content-dir", "no/such/folder"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("no/such/folder: cannot read the content folder"),
        "{stderr}"
    );
    assert!(stderr.contains("--content-dir PATH"), "{stderr}");
}

#[test]
fn serves_on_a_free_port_and_stops_on_sigterm() {
    let mut child = binary()
        .args(["--addr", "127.0.0.1:0", "--no-watch"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let rest = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap());
    let url = line
        .trim()
        .strip_prefix("Realtime Lab is running: open ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async { reqwest::get(&url).await.unwrap().status() });
    assert_eq!(status, 200);

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let rest = rest.join().unwrap();
    assert!(
        rest.starts_with("Connection lab lanes: HTTP/2 https://localhost:"),
        "{rest}"
    );
    assert!(
        rest.contains("self-signed certificate, SHA-256 fingerprint "),
        "{rest}"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_unreadable_certificate_is_a_clear_error() {
    let output = binary()
        .args([
            "--addr",
            "127.0.0.1:0",
            "--tls-cert",
            "no/cert.pem",
            "--tls-key",
            "no/key.pem",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("error: cannot read the TLS certificate no/cert.pem"),
        "{stderr}"
    );
}

#[test]
fn a_certificate_without_its_key_is_refused_by_the_flags() {
    let output = binary().args(["--tls-cert", "cert.pem"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--tls-key"), "{stderr}");
}

/// The lessons in `content/`: what `--check` should count.
fn lessons_in_content() -> usize {
    std::fs::read_dir("content")
        .unwrap()
        .filter(|e| {
            let path = e.as_ref().unwrap().path();
            path.extension().is_some_and(|x| x == "md")
        })
        .count()
}

#[test]
fn yes_no_variables_take_the_usual_spellings() {
    for value in ["1", "yes", "on", "true"] {
        let output = binary()
            .args(["--check", "--content-dir", "content"])
            .env("REALTIME_LAB_NO_LAB", value)
            .env("REALTIME_LAB_NO_WATCH", value)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{value}: {stderr}");
    }
}

#[test]
fn check_as_a_subcommand_says_what_the_flag_says() {
    let output = binary()
        .args(["check", "--content-dir", "content"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("{} lessons in content are fine.\n", lessons_in_content())
    );
}

#[test]
fn check_format_json_names_each_problems_file_and_line_for_editors() {
    let output = binary()
        .args([
            "check",
            "--format",
            "json",
            "--content-dir",
            "tests/fixtures/invalid/unknown-demo",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let problem = &report["problems"][0];
    assert_eq!(
        problem["file"],
        "tests/fixtures/invalid/unknown-demo/01-demo.md"
    );
    assert_eq!(problem["line"], 7);
    assert!(problem["message"]
        .as_str()
        .unwrap()
        .starts_with("unknown demo `sse-clok`; expected one of"));

    let fine = binary()
        .args(["check", "--format", "json", "--content-dir", "content"])
        .output()
        .unwrap();
    assert!(fine.status.success());
    let report: serde_json::Value = serde_json::from_slice(&fine.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["lessons"], lessons_in_content());
    assert_eq!(report["problems"], serde_json::json!([]));
}

#[test]
fn new_writes_a_lesson_at_the_end_of_the_course_that_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("content").unwrap() {
        let path = entry.unwrap().path();
        // The lessons; not `content/guide/`, which is not one.
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let folder = dir.path().to_str().unwrap();
    let output = binary()
        .args([
            "new",
            "Long polling, \"done right\"",
            "--content-dir",
            folder,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let next = lessons_in_content() + 1;
    let expected = dir
        .path()
        .join(format!("{next:02}-long-polling-done-right.md"));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim(),
        expected.display().to_string()
    );
    let text = std::fs::read_to_string(&expected).unwrap();
    assert!(
        text.starts_with("+++\ntitle = \"Long polling, \\\"done right\\\"\"\n"),
        "{text}"
    );
    assert!(text.contains("\n## Sources\n"));

    let check = binary()
        .args(["check", "--content-dir", folder])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(
        String::from_utf8(check.stdout).unwrap(),
        format!("{next} lessons in {folder} are fine.\n")
    );

    let refused = binary()
        .args(["new", "  ", "--content-dir", folder])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("give the lesson a title"));
}

/// `--lab-per-client` was `--lab-max-streams`: hosts' scripts that use the
/// old name keep working, and both reach the lab's share.
#[test]
fn the_lab_share_takes_its_new_name_and_its_old_one() {
    use clap::Parser;
    use realtime_lab::config::Config;
    use realtime_lab::server::Settings;
    for flag in ["--lab-per-client", "--lab-max-streams"] {
        let config = Config::try_parse_from(["realtime-lab", flag, "7"]).expect(flag);
        let settings = Settings::from_config(&config);
        assert_eq!(settings.realtime.lab_streams_per_client, 7, "{flag}");
    }
    let help = binary().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("--lab-per-client"), "{help}");
}

/// `--edit-url` must say where the lesson's file name goes.
#[test]
fn an_edit_url_without_its_file_placeholder_is_refused_with_an_example() {
    let refused = binary()
        .args(["--edit-url", "https://example.com/edit/main/content/"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--edit-url"), "{said}");
    assert!(said.contains("needs `{file}`"), "{said}");
}
