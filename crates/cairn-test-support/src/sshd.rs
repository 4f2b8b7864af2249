//! An OpenSSH server of a test's own on a loopback port (Debian's
//! openssh-server, started in the foreground, not as a daemon), with a host
//! key and a client key made for it, for the SFTP backend's tests.
//!
//! Cairn reaches SFTP through the system's `ssh`, which reads the user's
//! `~/.ssh/config` (from the password database, not `$HOME`). A test must
//! not edit the real one, so it puts a folder first in `PATH` whose `ssh`
//! runs the real client with `-F` and this server's config: the real
//! client and server, with a config the test owns.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running sshd; killed when dropped.
pub struct Sshd {
    child: Option<Child>,
    /// Its loopback port.
    pub port: u16,
    dir: PathBuf,
    user: String,
}

fn run_ok(c: &mut Command) {
    let out = c.output().unwrap_or_else(|e| panic!("{c:?}: {e}"));
    assert!(
        out.status.success(),
        "{c:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The first `name` on `PATH`.
fn which(name: &str) -> PathBuf {
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file() && !p.to_string_lossy().contains("cairn-ssh-wrapper"))
        .unwrap_or_else(|| {
            panic!("{name} is not installed: run scripts/test.sh, which installs openssh-client")
        })
}

impl Sshd {
    /// The server binary: `CAIRN_TEST_SSHD` (set by scripts/test.sh, which
    /// installs openssh-server). Missing, the test fails: it must never pass
    /// without having run.
    pub fn binary() -> PathBuf {
        let path = PathBuf::from(
            std::env::var("CAIRN_TEST_SSHD").unwrap_or_else(|_| "/usr/sbin/sshd".into()),
        );
        assert!(
            path.is_file(),
            "sshd (Debian's openssh-server, which the SFTP tests need) is not installed at {}: run scripts/test.sh, which installs it, or set CAIRN_TEST_SSHD",
            path.display()
        );
        path
    }

    /// Starts sshd on a free loopback port, serving SFTP to the current
    /// user with a key made here; repositories go under its own folder.
    pub fn start(dir: &Path) -> Self {
        let sshd = Self::binary();
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::create_dir_all(dir.join("cairn-ssh-wrapper")).unwrap();
        for key in ["hostkey", "userkey"] {
            run_ok(
                Command::new("ssh-keygen")
                    .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                    .arg(dir.join(key)),
            );
        }
        std::fs::copy(dir.join("userkey.pub"), dir.join("authorized_keys")).unwrap();
        let port = crate::free_port();
        let d = dir.display();
        std::fs::write(
            dir.join("sshd_config"),
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/hostkey\nAuthorizedKeysFile {d}/authorized_keys\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\nPidFile {d}/sshd.pid\nSubsystem sftp /usr/lib/openssh/sftp-server -e -l DEBUG3 2>> {d}/sftp.log\n"
            ),
        )
        .unwrap();
        let host_key = std::fs::read_to_string(dir.join("hostkey.pub")).unwrap();
        let host_key: Vec<&str> = host_key.split_whitespace().take(2).collect();
        std::fs::write(
            dir.join("known_hosts"),
            format!("[127.0.0.1]:{port} {}\n", host_key.join(" ")),
        )
        .unwrap();
        std::fs::write(
            dir.join("ssh_config"),
            format!("Host *\n  IdentityFile {d}/userkey\n  IdentitiesOnly yes\n  UserKnownHostsFile {d}/known_hosts\n  StrictHostKeyChecking yes\n  BatchMode yes\n"),
        )
        .unwrap();
        let wrapper = dir.join("cairn-ssh-wrapper/ssh");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nexec {} -F {d}/ssh_config \"$@\"\n",
                which("ssh").display()
            ),
        )
        .unwrap();
        let mut p = std::fs::metadata(&wrapper).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut p, 0o755);
        std::fs::set_permissions(&wrapper, p).unwrap();
        // sshd started as root wants its privilege separation folder.
        let _ = std::fs::create_dir_all("/run/sshd");
        let log = std::fs::File::create(dir.join("sshd.log")).unwrap();
        let child = Command::new(sshd)
            .args(["-D", "-e", "-f"])
            .arg(dir.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start sshd");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "sshd did not listen on port {port} within 20s: {}",
                std::fs::read_to_string(dir.join("sshd.log")).unwrap_or_default()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        Sshd {
            child: Some(child),
            port,
            dir: dir.to_path_buf(),
            user,
        }
    }

    /// `sftp://USER@127.0.0.1:PORT//DIR/data/NAME`.
    pub fn location(&self, name: &str) -> String {
        format!(
            "sftp://{}@127.0.0.1:{}/{}/data/{name}",
            self.user,
            self.port,
            self.dir.display()
        )
    }

    /// What the SFTP sessions logged so far: every request, at debug level 3
    /// (the subsystem is OpenSSH's sftp-server, run through the shell with
    /// its log on stderr appended to a file).
    pub fn sftp_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sftp.log")).unwrap_or_default()
    }

    /// Where the repository `name` lies on disk.
    pub fn folder(&self, name: &str) -> PathBuf {
        self.dir.join("data").join(name)
    }

    /// `PATH` with the folder whose `ssh` uses this server's config first.
    pub fn path_env(&self) -> String {
        format!(
            "{}:{}",
            self.dir.join("cairn-ssh-wrapper").display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
