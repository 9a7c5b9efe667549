//! The Patient compartment of FHIR R4 (4.0.1): which resources belong to a
//! patient, and through which elements.
//!
//! Source: CompartmentDefinition/patient,
//! <https://hl7.org/fhir/R4/compartmentdefinition-patient.html>. It lists,
//! per resource type, the search parameters that link a resource to the
//! patient; each is written here as the element path of that parameter's
//! R4 expression (e.g. Condition's `patient` parameter is
//! `Condition.subject.where(resolve() is Patient)`, so `subject`). A
//! `where(resolve() is Patient)` filter becomes "the reference names a
//! Patient", which the caller checks. Resource types absent from the table
//! (Practitioner, Organization, Medication, ...) are in no patient's
//! compartment. `Patient.link.other` is left out: a patient is never the
//! child of another patient here.

use serde_json::Value;

use super::reference::{references_at, Reference};

/// `(resource type, element paths)`, in the order of the definition; a
/// path's segments are separated by dots.
pub const PATIENT_COMPARTMENT: &[(&str, &[&str])] = &[
    ("Account", &["subject"]),
    ("AdverseEvent", &["subject"]),
    ("AllergyIntolerance", &["patient", "recorder", "asserter"]),
    ("Appointment", &["participant.actor"]),
    ("AppointmentResponse", &["actor"]),
    ("AuditEvent", &["agent.who", "entity.what"]),
    ("Basic", &["subject", "author"]),
    ("BodyStructure", &["patient"]),
    ("CarePlan", &["subject", "activity.detail.performer"]),
    ("CareTeam", &["subject", "participant.member"]),
    ("ChargeItem", &["subject"]),
    ("Claim", &["patient", "payee.party"]),
    ("ClaimResponse", &["patient"]),
    ("ClinicalImpression", &["subject"]),
    ("Communication", &["subject", "sender", "recipient"]),
    (
        "CommunicationRequest",
        &["subject", "sender", "recipient", "requester"],
    ),
    ("Composition", &["subject", "author", "attester.party"]),
    ("Condition", &["subject", "asserter"]),
    ("Consent", &["patient"]),
    (
        "Coverage",
        &["policyHolder", "subscriber", "beneficiary", "payor"],
    ),
    ("CoverageEligibilityRequest", &["patient"]),
    ("CoverageEligibilityResponse", &["patient"]),
    ("DetectedIssue", &["patient"]),
    ("DeviceRequest", &["subject", "performer"]),
    ("DeviceUseStatement", &["subject"]),
    ("DiagnosticReport", &["subject"]),
    ("DocumentManifest", &["subject", "author", "recipient"]),
    ("DocumentReference", &["subject", "author"]),
    ("Encounter", &["subject"]),
    ("EnrollmentRequest", &["candidate"]),
    ("EpisodeOfCare", &["patient"]),
    ("ExplanationOfBenefit", &["patient", "payee.party"]),
    ("FamilyMemberHistory", &["patient"]),
    ("Flag", &["subject"]),
    ("Goal", &["subject"]),
    ("Group", &["member.entity"]),
    ("ImagingStudy", &["subject"]),
    ("Immunization", &["patient"]),
    ("ImmunizationEvaluation", &["patient"]),
    ("ImmunizationRecommendation", &["patient"]),
    ("Invoice", &["subject", "recipient"]),
    ("List", &["subject", "source"]),
    ("MeasureReport", &["subject"]),
    ("Media", &["subject"]),
    ("MedicationAdministration", &["subject", "performer.actor"]),
    ("MedicationDispense", &["subject", "receiver"]),
    ("MedicationRequest", &["subject"]),
    ("MedicationStatement", &["subject"]),
    ("MolecularSequence", &["patient"]),
    ("NutritionOrder", &["patient"]),
    ("Observation", &["subject", "performer"]),
    ("Person", &["link.target"]),
    ("Procedure", &["subject", "performer.actor"]),
    ("Provenance", &["target"]),
    ("QuestionnaireResponse", &["subject", "author"]),
    ("RelatedPerson", &["patient"]),
    ("RequestGroup", &["subject", "action.participant"]),
    ("ResearchSubject", &["individual"]),
    ("RiskAssessment", &["subject"]),
    ("Schedule", &["actor"]),
    ("ServiceRequest", &["subject", "performer"]),
    ("Specimen", &["subject"]),
    ("SupplyDelivery", &["patient"]),
    ("SupplyRequest", &["deliverTo"]),
    ("VisionPrescription", &["patient"]),
];

/// The element paths that put a resource of `rtype` in a patient's
/// compartment; empty for a type that is in none.
pub fn patient_paths(rtype: &str) -> &'static [&'static str] {
    PATIENT_COMPARTMENT
        .binary_search_by(|(t, _)| t.cmp(&rtype))
        .map(|i| PATIENT_COMPARTMENT[i].1)
        .unwrap_or(&[])
}

/// The references of `resource` (of type `rtype`) that may put it in a
/// patient's compartment, in the definition's order: each names a Patient
/// or is a `urn:` that the caller resolves (it may turn out to be a
/// Practitioner, which does not count).
pub fn compartment_references<'a>(rtype: &str, resource: &'a Value) -> Vec<&'a str> {
    let patient = super::resource::ResourceType::new("Patient").expect("a valid type name");
    let mut out = Vec::new();
    for path in patient_paths(rtype) {
        let segs: Vec<&str> = path.split('.').collect();
        for r in references_at(resource, &segs) {
            if super::reference::may_name(&Reference::parse(r), &patient) {
                out.push(r);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_table_is_sorted_so_lookups_find_every_row() {
        assert!(PATIENT_COMPARTMENT.windows(2).all(|w| w[0].0 < w[1].0));
        for (t, paths) in PATIENT_COMPARTMENT {
            assert_eq!(patient_paths(t), *paths);
        }
        assert!(patient_paths("Practitioner").is_empty());
        assert!(patient_paths("Organization").is_empty());
    }

    #[test]
    fn patient_links_by_path_and_not_through_practitioners() {
        let obs = json!({
            "resourceType": "Observation",
            "subject": {"reference": "Patient/p1"},
            "performer": [{"reference": "Practitioner/d1"}, {"reference": "urn:uuid:x"}],
            "encounter": {"reference": "Encounter/e1"}
        });
        assert_eq!(
            compartment_references("Observation", &obs),
            ["Patient/p1", "urn:uuid:x"]
        );
        let proc_ = json!({"performer": [{"actor": {"reference": "http://h/fhir/Patient/p2"}}]});
        assert_eq!(
            compartment_references("Procedure", &proc_),
            ["http://h/fhir/Patient/p2"]
        );
        assert!(compartment_references("Organization", &obs).is_empty());
    }
}
