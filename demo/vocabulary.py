"""The words of the demo agency: places, offences, employers, providers and the sentences officers write.

Everything here is fictional. Names of people come from Faker (seeded), picked into pools once per run.
"""

from faker import Faker

STATE = "OH"

# Towns of the demo region: addresses, unit offices and courts are placed here.
TOWNS = (
    ("Harmon", "44301"),
    ("Riverside", "44302"),
    ("Lakeshore", "44303"),
    ("Eastbrook", "44304"),
    ("Millbrook", "44305"),
    ("Fairview", "44306"),
    ("Cedar Falls", "44307"),
    ("Oak Ridge", "44308"),
    ("Brookfield", "44309"),
    ("Greenville", "44310"),
    ("Springdale", "44311"),
    ("Maple Grove", "44312"),
    ("Clearwater", "44313"),
    ("Pine Bluff", "44314"),
    ("Westfield", "44315"),
    ("Kingsport", "44316"),
    ("Ashland", "44317"),
    ("Bellview", "44318"),
    ("Northgate", "44319"),
    ("Stonebridge", "44320"),
)

# (code, name, description, category, applies_to, tracks_hours, details written on the order)
CONDITION_CATALOGUE = (
    (
        "report-as-directed",
        "Report as directed",
        "Report to the supervising officer as directed and answer all reasonable inquiries.",
        "standard",
        "both",
        False,
        "Report in person or by phone as scheduled by the officer.",
    ),
    (
        "obey-all-laws",
        "Obey all laws",
        "Commit no new criminal offence.",
        "standard",
        "both",
        False,
        "",
    ),
    (
        "no-drugs",
        "No illegal drugs; submit to testing",
        "Do not use or possess controlled substances without a prescription; submit to drug and alcohol testing.",
        "standard",
        "both",
        False,
        "Random urinalysis as directed.",
    ),
    (
        "no-weapons",
        "No firearms or weapons",
        "Do not own, possess or have access to firearms, ammunition or dangerous weapons.",
        "standard",
        "both",
        False,
        "",
    ),
    (
        "keep-employment",
        "Maintain employment or schooling",
        "Seek and keep lawful employment or attend school; notify the officer of any change within 72 hours.",
        "standard",
        "both",
        False,
        "Verify employment monthly with pay stubs.",
    ),
    (
        "pay-fees",
        "Pay fees, fines and restitution",
        "Pay the supervision fee, court costs, fines and restitution as ordered.",
        "standard",
        "both",
        False,
        "Supervision fee $40 per month; restitution per the payment plan.",
    ),
    (
        "travel-restriction",
        "Travel restriction",
        "Do not leave the state without the written permission of the officer.",
        "standard",
        "both",
        False,
        "Travel permits through the officer only.",
    ),
    (
        "curfew",
        "Curfew",
        "Be at the approved residence during curfew hours.",
        "special",
        "both",
        False,
        "Curfew 10 p.m. to 6 a.m. unless at approved work.",
    ),
    (
        "community-service",
        "Community service",
        "Complete the ordered hours of unpaid community service at an approved site.",
        "special",
        "probation",
        True,
        "Hours to be completed at an approved site within the first year.",
    ),
    (
        "substance-treatment",
        "Substance abuse treatment",
        "Complete an assessment and follow all treatment recommendations.",
        "special",
        "both",
        False,
        "Attend outpatient treatment as recommended by the assessment.",
    ),
    (
        "counselling",
        "Counselling",
        "Attend and complete counselling (anger management, cognitive behavioural or family).",
        "special",
        "both",
        False,
        "Cognitive behavioural programme, 16 sessions.",
    ),
    (
        "no-contact",
        "No-contact order",
        "Have no contact, direct or indirect, with the named victim or co-defendants.",
        "special",
        "both",
        False,
        "No contact with the victim named in the order, including by phone or social media.",
    ),
    (
        "electronic-monitoring",
        "Electronic monitoring",
        "Wear a GPS monitoring device and keep it charged.",
        "special",
        "parole",
        False,
        "GPS monitoring for the first 90 days after release.",
    ),
    (
        "approved-residence",
        "Reside at an approved residence",
        "Live only at a residence approved by the parole officer.",
        "special",
        "parole",
        False,
        "",
    ),
)

PROBATION_OFFENCES = (
    "Theft (misdemeanour)",
    "Driving under the influence",
    "Possession of a controlled substance",
    "Assault in the third degree",
    "Criminal mischief",
    "Shoplifting",
    "Fraud",
    "Receiving stolen property",
    "Domestic battery",
    "Burglary in the third degree",
    "Driving while license suspended",
    "Criminal trespass",
    "Identity theft",
    "Forgery",
    "Possession of drug paraphernalia",
    "Resisting arrest",
)

PAROLE_OFFENCES = (
    "Robbery in the second degree",
    "Burglary in the second degree",
    "Distribution of a controlled substance",
    "Aggravated assault",
    "Armed robbery",
    "Manslaughter",
    "Unlawful possession of a firearm",
    "Motor vehicle theft",
    "Trafficking in stolen property",
    "Arson",
    "Kidnapping",
    "Vehicular homicide",
)

NEW_OFFENCES = ("shoplifting", "driving while license suspended", "possession of a controlled substance", "assault")

POSITIONS = (
    "Warehouse associate",
    "Line cook",
    "Forklift operator",
    "Cashier",
    "Construction labourer",
    "Delivery driver",
    "Landscaper",
    "Janitor",
    "Mechanic's helper",
    "Dishwasher",
    "Roofer",
    "Call centre agent",
    "Stocker",
    "Welder",
)

RELATIONSHIPS = (
    "Mother",
    "Father",
    "Sister",
    "Brother",
    "Spouse",
    "Partner",
    "Aunt",
    "Cousin",
    "Friend",
    "Grandmother",
)

NICKNAMES = ("Junior", "Shorty", "Red", "Ace", "Smokey", "Tiny", "Boo", "Slim", "Chief", "Lucky")

LANGUAGES = (("English", 0.86), ("Spanish", 0.96), ("Vietnamese", 0.97), ("Arabic", 0.98), ("Somali", 0.99))

PROVIDERS = {
    "job_training": ("County WorkSource Center", "Second Chance Trades Academy", "Goodwill Career Center"),
    "housing": ("Hope House Transitional Living", "County Reentry Housing Program", "Salvation Army Housing"),
    "drug_rehabilitation": ("New Directions Recovery Center", "Riverbend Outpatient Treatment", "Serenity House"),
    "counselling": ("Bridgeway Behavioral Health", "Family Services Counseling", "Anger Management Institute"),
}

SERVICE_SITES = (
    "Harmon County Food Bank",
    "Parks and Recreation Department",
    "Habitat for Humanity ReStore",
    "Riverside Animal Shelter",
    "Eastbrook Senior Center",
)

LAB_NAME = "Tri-County Toxicology Laboratory"

CHECK_IN_NOTES = (
    "Reported on time; no concerns.",
    "Discussed job search; brought two applications.",
    "Verified current address and household members.",
    "Reviewed conditions; acknowledged in writing.",
    "Paid $40 towards supervision fees.",
    "Reports stable housing and regular work hours.",
    "Attending treatment; attendance sheet provided.",
    "Discussed relapse prevention plan.",
    "Brought pay stubs; employment verified.",
    "Reported a change of phone number.",
)

CONTACT_NOTES = {
    "home_visit": (
        "Home visit: residence clean, no contraband seen.",
        "Home visit: met the landlord, address confirmed.",
        "Home visit after curfew: at home.",
    ),
    "employer": ("Employer confirms regular attendance.", "Supervisor reports good performance; hours stable."),
    "collateral": ("Spoke with mother: things are going well at home.", "Treatment provider confirms attendance."),
    "phone": ("Phone check: no changes in address or work.", "Phone check: reminded of upcoming fee payment."),
}

EXCUSE_REASONS = (
    "Hospitalised; discharge papers on file.",
    "Approved travel for a family funeral.",
    "Court appearance on the same day; verified.",
    "Rescheduled by the officer (training day).",
    "Illness; doctor's note provided.",
)

CASE_NOTES = (
    "Intake completed. Conditions reviewed and signed. Next report date given.",
    "Called the treatment provider: {first} attends group twice a week.",
    "{first} says the new job at {employer} is going well; will verify with pay stubs.",
    "Discussed housing: staying with family for now, looking for an apartment.",
    "Reviewed the fee balance; {first} agreed to a payment plan.",
    "Left a card at the residence; no answer at the door.",
    "Met with {first} and family; household supportive of the supervision plan.",
    "{first} asked about early termination; explained the requirements.",
    "Case reviewed with the supervisor; no change of level.",
    "Collateral contact with the employer: hours confirmed.",
)

RESPONSES = (
    "Verbal warning; conditions reviewed.",
    "Increased reporting to weekly for 30 days.",
    "Referred to outpatient treatment.",
    "Curfew moved to 8 p.m. for 30 days.",
    "Eight hours of community service added.",
    "Written reprimand placed in the file.",
    "Electronic monitoring for 30 days.",
)

REVIEW_COMMENTS = (
    "Add the dates of the missed check-ins and attach the lab report.",
    "The recommendation needs a reason: summarise the graduated responses already tried.",
    "Correct the docket number in the narrative and re-submit.",
)

DISPOSITION_NOTES = {
    "continued": "Supervision continued on the same conditions; admonished in court.",
    "conditions_modified": "Conditions modified: treatment added and curfew extended for 90 days.",
    "revoked": "Supervision revoked; remanded to custody.",
    "dismissed": "Allegations not sustained; violation dismissed.",
}

COMPANY_SUFFIXES = ("LLC", "Inc.", "Co.", "Services", "Group")


def name_pools(seed: int) -> dict[str, tuple[str, ...]]:
    """First and last names, streets and employers from a seeded Faker (the same seed, the same pools)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return {
        "first_male": tuple(dict.fromkeys(fake.first_name_male() for _ in range(400))),
        "first_female": tuple(dict.fromkeys(fake.first_name_female() for _ in range(400))),
        "last": tuple(dict.fromkeys(fake.last_name() for _ in range(600))),
        "street": tuple(dict.fromkeys(fake.street_name() for _ in range(300))),
        "company": tuple(
            dict.fromkeys(f"{fake.last_name()} {fake.random_element(COMPANY_SUFFIXES)}" for _ in range(300))
        ),
    }
