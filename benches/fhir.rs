//! Figure 9, FHIR bulk import and export (issue 15): a bulk-data export of
//! 100,000 resources (1,000 patients with their encounters, observations,
//! conditions and medication requests, one ndjson file per type) imported
//! by one invocation of the release binary, shared with a second owner,
//! and exported back by that owner as ndjson. Targets: ≥ 20,000
//! resources/s each way on 2 cores, peak memory < 200 MB. The baseline of
//! the same run: parsing every line with serde_json on one thread, the
//! least any importer must do.
//!
//! `cargo bench --bench fhir [-- --quick]` (10,000 resources with --quick).

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

const PER_PATIENT: [(&str, usize); 5] = [
    ("Patient", 1),
    ("Encounter", 20),
    ("Observation", 50),
    ("Condition", 15),
    ("MedicationRequest", 14),
];

/// One resource of patient `p`, the `n`-th of its type: about 400–700 bytes
/// of ndjson, with the references a real export has.
fn resource(rtype: &str, p: usize, n: usize) -> String {
    let pat = format!("Patient/p{p:05}");
    let enc = format!("Encounter/e{p:05}-{:02}", n % 20);
    let mut s = String::with_capacity(700);
    match rtype {
        "Patient" => {
            let _ = write!(
                s,
                r#"{{"resourceType":"Patient","id":"p{p:05}","identifier":[{{"system":"http://example.org/mrn","value":"MRN{p:07}"}}],"name":[{{"use":"official","family":"Family{p}","given":["Given{p}"]}}],"gender":"{}","birthDate":"19{:02}-0{}-1{}","address":[{{"line":["{p} High Street"],"city":"London","postalCode":"N1 {}AA","country":"GB"}}],"generalPractitioner":[{{"reference":"Practitioner/dr-{}"}}]}}"#,
                if p.is_multiple_of(2) {
                    "female"
                } else {
                    "male"
                },
                p % 100,
                1 + p % 9,
                p % 10,
                p % 10,
                p % 50
            );
        }
        "Encounter" => {
            let _ = write!(
                s,
                r#"{{"resourceType":"Encounter","id":"e{p:05}-{n:02}","status":"finished","class":{{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB","display":"ambulatory"}},"type":[{{"coding":[{{"system":"http://snomed.info/sct","code":"185349003","display":"Encounter for check up"}}]}}],"subject":{{"reference":"{pat}"}},"participant":[{{"individual":{{"reference":"Practitioner/dr-{}"}}}}],"period":{{"start":"2026-0{}-1{}T09:00:00+00:00","end":"2026-0{}-1{}T09:20:00+00:00"}}}}"#,
                p % 50,
                1 + n % 9,
                n % 10,
                1 + n % 9,
                n % 10
            );
        }
        "Observation" => {
            let _ = write!(
                s,
                r#"{{"resourceType":"Observation","id":"o{p:05}-{n:02}","status":"final","category":[{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}}]}}],"code":{{"coding":[{{"system":"http://loinc.org","code":"2339-0","display":"Glucose [Mass/volume] in Blood"}}]}},"subject":{{"reference":"{pat}"}},"encounter":{{"reference":"{enc}"}},"effectiveDateTime":"2026-0{}-1{}T09:10:00+00:00","valueQuantity":{{"value":{}.{:02},"unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"}}}}"#,
                1 + n % 9,
                n % 10,
                3 + n % 6,
                (p + n) % 100
            );
        }
        "Condition" => {
            let _ = write!(
                s,
                r#"{{"resourceType":"Condition","id":"c{p:05}-{n:02}","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}}]}},"code":{{"coding":[{{"system":"http://snomed.info/sct","code":"44054006","display":"Diabetes mellitus type 2"}}]}},"subject":{{"reference":"{pat}"}},"encounter":{{"reference":"{enc}"}},"onsetDateTime":"2026-0{}-1{}","evidence":[{{"detail":[{{"reference":"Observation/o{p:05}-{n:02}"}}]}}]}}"#,
                1 + n % 9,
                n % 10
            );
        }
        _ => {
            let _ = write!(
                s,
                r#"{{"resourceType":"MedicationRequest","id":"m{p:05}-{n:02}","status":"active","intent":"order","medicationCodeableConcept":{{"coding":[{{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"860975","display":"metformin hydrochloride 500 MG Oral Tablet"}}]}},"subject":{{"reference":"{pat}"}},"encounter":{{"reference":"{enc}"}},"authoredOn":"2026-0{}-1{}","requester":{{"reference":"Practitioner/dr-{}"}},"dosageInstruction":[{{"text":"500 mg twice daily"}}]}}"#,
                1 + n % 9,
                n % 10,
                p % 50
            );
        }
    }
    s
}

/// Writes the export, one file per type; returns the files and their
/// concatenation (what `fhir export --ndjson` must give back).
fn bulk_export(dir: &Path, patients: usize) -> (Vec<PathBuf>, Vec<u8>) {
    let mut files = Vec::new();
    let mut all = Vec::new();
    for (rtype, per) in PER_PATIENT {
        let mut text = String::new();
        for p in 0..patients {
            for n in 0..per {
                text.push_str(&resource(rtype, p, n));
                text.push('\n');
            }
        }
        let path = dir.join(format!("{rtype}.ndjson"));
        fs::write(&path, &text).expect("write ndjson");
        all.extend_from_slice(text.as_bytes());
        files.push(path);
    }
    (files, all)
}

fn main() {
    let opts = Opts::from_args();
    let patients = if opts.quick { 100 } else { 1_000 };
    let resources: usize = patients * PER_PATIENT.iter().map(|(_, n)| n).sum::<usize>();
    let runs = opts.runs(3);
    let _pressure = section("9. FHIR bulk import and export", "fhir", opts);

    let scratch = Scratch::new(Disk::Tmpfs, "fhir");
    let (files, all) = bulk_export(scratch.path(), patients);
    progress(format!(
        "{resources} resources, {} MB of ndjson",
        fmt3(all.len() as f64 / 1e6)
    ));

    // The baseline: parse every line, one thread.
    let parse = repeat(1, runs, || {
        timed(|| {
            let mut n = 0usize;
            for line in all.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                let v: serde_json::Value = serde_json::from_slice(line).expect("JSON");
                n += usize::from(v.is_object());
            }
            assert_eq!(n, resources);
        })
        .1
    });
    let parse_rate = resources as f64 / parse.median();

    let world = world(2, &scratch.join("world.keystore.json"));
    let (a, b) = (owner_id(0), owner_id(1));
    let mut outs = Outputs::beside(&scratch.join("out"), "imported");
    let mut import_runs = Vec::new();
    let mut last_dir = PathBuf::new();
    for i in 0..runs {
        let dir = outs.next();
        progress(format!("import run {}/{runs}", i + 1));
        let mut args: Vec<String> = vec![
            "fhir".into(),
            "import".into(),
            "--as".into(),
            a.to_string(),
            "--share-with".into(),
            b.to_string(),
        ];
        args.extend(files.iter().map(|f| f.display().to_string()));
        args.extend(["--out-dir".into(), dir.display().to_string()]);
        import_runs.push(ehrcrypt(&world, &args));
        if i + 1 < runs {
            let _ = fs::remove_dir_all(&dir);
        }
        last_dir = dir;
    }
    // B exports what A shared: B's view of the keystore, with the exchange
    // keys the import created (owner documents exchanged, in effect).
    let ks_b = keystore_of(&world, &b, &scratch.join("b.keystore.json"));
    let out_file = scratch.join("export.ndjson");
    let mut export_runs = Vec::new();
    for i in 0..runs {
        progress(format!("export run {}/{runs}", i + 1));
        let _ = fs::remove_file(&out_file);
        let dir = last_dir.display().to_string();
        let out = out_file.display().to_string();
        export_runs.push(ehrcrypt(
            &ks_b,
            [
                "fhir",
                "export",
                "--as",
                b.as_str(),
                &dir,
                "--ndjson",
                "-o",
                &out,
            ],
        ));
    }
    let same = fs::read(&out_file).map(|o| o == all).unwrap_or(false);

    println!(
        "{resources} resources of {patients} patients as bulk-data ndjson (one file per type, \
         {} MB), imported by `ehrcrypt fhir import --as hcp-000 --share-with hcp-001 *.ndjson \
         --out-dir NEW` and exported by the other owner with `ehrcrypt fhir export --as hcp-001 \
         DIR --ndjson -o FILE`, on tmpfs. Baseline of this run: serde_json parsing every line on \
         one thread, {} resources/s. Export equal to the input, byte for byte: **{}**.\n",
        fmt3(all.len() as f64 / 1e6),
        thousands(parse_rate),
        if same { "yes" } else { "NO" }
    );
    let mut t = Table::new(&[
        "command",
        "median time (min–max, n)",
        "resources/s",
        "× parse-only baseline",
        "CPU s (user+sys, median)",
        "resources/s on 2 free cores (from CPU time)",
        "peak memory",
        "target",
    ]);
    for (name, rs) in [("import", &import_runs), ("export", &export_runs)] {
        let sample = Sample {
            secs: rs.iter().map(|r| r.secs).collect(),
        };
        let rate = resources as f64 / sample.median();
        let rss = rs.iter().map(Run::max_rss_mib).fold(0.0, f64::max);
        let cpu = median(&rs.iter().map(|r| r.cpu_secs).collect::<Vec<_>>());
        // Both cores busy for the whole run, nobody else on them: an upper
        // bound, reported beside the wall-clock figure, never instead of it.
        let free = resources as f64 / (cpu / 2.0);
        t.row(vec![
            name.into(),
            sample.ms(),
            thousands(rate),
            fmt3(rate / parse_rate),
            fmt3(cpu),
            thousands(free),
            format!("{} MiB", fmt3(rss)),
            format!(
                "≥ 20,000/s {}, < 200 MB {}",
                verdict(rate >= 20_000.0),
                verdict(rss < 190.0)
            ),
        ]);
    }
    t.print();
    if !same {
        std::process::exit(1);
    }
}
