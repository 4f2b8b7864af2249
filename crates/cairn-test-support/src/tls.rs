//! A certificate authority made in the test, for `cairn serve` over TLS:
//! a server certificate for `127.0.0.1` and `localhost`, and client
//! certificates for the optional client-certificate check. Nothing here is
//! kept: every test makes its own CA, so no test trusts another's.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use std::path::{Path, PathBuf};

/// A test CA.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A certificate and its key, as PEM files.
#[derive(Debug, Clone)]
pub struct CertFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    /// A new CA named `name`.
    pub fn new(name: &str) -> Self {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let issuer = CertifiedIssuer::self_signed(p, KeyPair::generate().unwrap()).unwrap();
        TestCa { issuer }
    }

    /// Writes the CA certificate (PEM) to `file` and returns its path.
    pub fn write(&self, file: &Path) -> PathBuf {
        std::fs::write(file, self.issuer.pem()).unwrap();
        file.to_path_buf()
    }

    fn issue(
        &self,
        dir: &Path,
        stem: &str,
        sans: Vec<String>,
        usage: ExtendedKeyUsagePurpose,
    ) -> CertFiles {
        let mut p = CertificateParams::new(sans).unwrap();
        p.distinguished_name.push(DnType::CommonName, stem);
        p.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &self.issuer).unwrap();
        std::fs::create_dir_all(dir).unwrap();
        let files = CertFiles {
            cert: dir.join(format!("{stem}.crt")),
            key: dir.join(format!("{stem}.key")),
        };
        std::fs::write(&files.cert, cert.pem()).unwrap();
        std::fs::write(&files.key, key.serialize_pem()).unwrap();
        files
    }

    /// A server certificate for `127.0.0.1` and `localhost`, as `DIR/server.crt`
    /// and `DIR/server.key`.
    pub fn server(&self, dir: &Path) -> CertFiles {
        self.issue(
            dir,
            "server",
            vec!["127.0.0.1".into(), "localhost".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
        )
    }

    /// A client certificate named `name`, as `DIR/NAME.crt` and `DIR/NAME.key`.
    pub fn client(&self, dir: &Path, name: &str) -> CertFiles {
        self.issue(dir, name, Vec::new(), ExtendedKeyUsagePurpose::ClientAuth)
    }
}
