//! A repository with a history, for the crash matrices (kill -9 and power
//! loss): two versions of a source tree, each backed up with its tag, so
//! every snapshot says which tree it must restore to.

use super::*;
use std::path::{Path, PathBuf};

/// Two versions of a source tree, each backed up with its tag (`v1`, `v2`),
/// so every snapshot says which tree it must restore to.
pub struct World {
    pub env: Env,
    versions: Vec<(String, PathBuf)>,
    pub repo: PathBuf,
}

impl World {
    pub fn new() -> Self {
        let env = Env::new();
        let v1 = env.path("v1");
        make_tree(&v1);
        std::fs::write(v1.join("noise.bin"), noise(3_000_000, 1)).unwrap();
        let v2 = env.path("v2");
        copy_dir(&v1, &v2);
        std::fs::write(v2.join("hello.txt"), b"changed\n").unwrap();
        std::fs::write(v2.join("more.bin"), noise(2_000_000, 2)).unwrap();
        std::fs::remove_file(v2.join("docs/readme.md")).unwrap();
        let repo = env.path("repo");
        env.repo(&repo, &["init"]).ok();
        let w = World {
            env,
            versions: vec![("v1".into(), v1), ("v2".into(), v2)],
            repo,
        };
        w.backup("v1");
        w
    }

    pub fn backup(&self, tag: &str) {
        let src = self.source(tag);
        self.env
            .repo(&self.repo, &["backup", "--tag", tag, src.to_str().unwrap()])
            .ok();
    }

    /// Adds version `tag`, a tree of two small files, and backs it up (one
    /// new pack and one new index file).
    pub fn add_small_version(&mut self, tag: &str) {
        let dir = self.env.path(tag);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("shared.txt"), b"in every small version\n").unwrap();
        std::fs::write(dir.join(format!("{tag}.txt")), format!("only in {tag}\n")).unwrap();
        self.versions.push((tag.to_string(), dir));
        self.backup(tag);
    }

    pub fn source(&self, tag: &str) -> &Path {
        &self.versions.iter().find(|(t, _)| t == tag).unwrap().1
    }

    /// Every listed snapshot restores to its version, and the data verifies.
    pub fn check(&self, at: &str) {
        let list = self.env.repo(&self.repo, &["list", "--json"]).ok().json();
        for (i, s) in list.as_array().unwrap().iter().enumerate() {
            let tag = s["tags"][0].as_str().unwrap();
            let out = self.env.path(&format!("out-{at}-{i}"));
            self.env
                .repo(
                    &self.repo,
                    &[
                        "restore",
                        s["id"].as_str().unwrap(),
                        "--target",
                        out.to_str().unwrap(),
                    ],
                )
                .ok();
            assert_same_tree(self.source(tag), &out);
            std::fs::remove_dir_all(&out).unwrap();
        }
        self.env.repo(&self.repo, &["verify", "--read-data"]).ok();
    }
}
