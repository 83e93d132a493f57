"""Leicestershire's PCC Grant 2013/14 as a grant round, for the demonstration.

EXE 0025/13 (devtools/demo/decisions.py) says how the grant was run: submissions
invited from all interested parties against a set of criteria, 33 applications
received, Themed Reviewers, a Review Panel, and the eleven awards of its Table 1
("PCC Grant" rows), each of up to £10,000. Those eleven are here with the
organisations and amounts the schedule gives (the organisations under the names the
demo's providers carry, the projects under Table 1's); the other 22 applicants, and
every application's answers, budget and documents, are made up for the demo.
"""

from dataclasses import dataclass
from decimal import Decimal

from devtools.demo.provenance import LEICESTERSHIRE_DECISION_EXE_0025_13

STREAM = "PCC Community Safety Grant"
START_YEAR = 2013

PROTECTING = "Protecting the Vulnerable"
REOFFENDING = "Reoffending and Offending"
SAFER = "Making our Communities and Neighbourhoods Safer"

ROUND = {
    "name": "PCC Grant 2013/14",
    "summary": (
        "Grants of up to £10,000 for projects in Leicester, Leicestershire and Rutland that "
        "support the themes of the Police and Crime Plan, from October 2013 to March 2014."
    ),
    "guidance": (
        f"Demonstration data: the round is drawn from {LEICESTERSHIRE_DECISION_EXE_0025_13}, "
        "which describes the PCC Grant and lists the eleven awards it made. The wording of "
        "this guidance, the questions, the criteria and their weights, and the 22 "
        "applications it did not fund, are made up for the demo.\n\n"
        "The Commissioner's Commissioning Intentions, published on 21 June 2013, set up a "
        "new PCC Grant. Submissions are invited from all interested parties: any provider, "
        "or providers together, may apply against a set of criteria aligned with the themes "
        "of the Police and Crime Plan, published on 31 March 2013.\n\n"
        "What the grant funds: projects for people in Leicester, Leicestershire or Rutland "
        f"that support one of the Plan's themes: {PROTECTING}; {REOFFENDING}; {SAFER}. "
        "Projects run from 1 October 2013 to 31 March 2014. Awards are of up to £10,000; "
        "an organisation may apply for more than one project.\n\n"
        "How it is decided: Themed Reviewers, people from various organisations with "
        "expertise covering the Plan's themes, score each application against the criteria "
        "and recommend. A Review Panel, of representatives of the Office of the Police and "
        "Crime Commissioner, the Force, Leicestershire County Council, Leicester City "
        "Council, Rutland County Council, Probation and the Third Sector, recommends which "
        "proposals to fund, and the Commissioner decides."
    ),
    # The schedule gives the eleven awards, not the round's own budget: the round may
    # award what they add up to.
    "budget": Decimal("92943"),
    "maximum_award": Decimal("10000"),
    "several_applications": True,
    "reference_prefix": "PCCG",
}

PARTS = {
    "criteria": [
        {
            "name": "Contribution to the Police and Crime Plan",
            "description": "How well the project supports the Plan's themes and objectives.",
            "weight_percent": Decimal("30"),
        },
        {
            "name": "Evidence of need",
            "description": "Why the project is needed, where, and for whom.",
            "weight_percent": Decimal("20"),
        },
        {
            "name": "Outcomes and how they are measured",
            "description": "What will change, and how the applicant will show it.",
            "weight_percent": Decimal("25"),
        },
        {
            "name": "Ability to deliver",
            "description": "The organisation's experience, partners and plan.",
            "weight_percent": Decimal("15"),
        },
        {
            "name": "Value for money",
            "description": "What the grant buys, against what it costs.",
            "weight_percent": Decimal("10"),
        },
    ],
    "eligibility": [
        {
            "text": "The project will work with people in Leicester, Leicestershire or Rutland.",
            "kind": "confirm",
        },
        {
            "text": "The project will run between 1 October 2013 and 31 March 2014, and the "
            "grant will be spent by then.",
            "kind": "confirm",
        },
        {
            "text": "Is the same work already paid for by another grant or contract?",
            "kind": "yes_no",
            "excluding_answer": "yes",
        },
    ],
    "questions": [
        {
            "section": "About your project",
            "text": "What will the project do, and who is it for?",
            "word_limit": 250,
        },
        {
            "section": "About your project",
            "text": "Which theme of the Police and Crime Plan does the project support?",
            "kind": "theme",
        },
        {
            "section": "About your project",
            "text": "How many people will the project work with?",
            "kind": "number",
        },
        {
            "section": "Outcomes",
            "text": "What difference will the project make, and how will you show it?",
            "word_limit": 200,
        },
    ],
    # Made up for the demo, as the criteria are.
    "score_descriptors": [
        {"score": 0, "descriptor": "No evidence: the application does not address this"},
        {"score": 1, "descriptor": "Poor: little evidence, major gaps"},
        {"score": 2, "descriptor": "Weak: some evidence, significant gaps"},
        {"score": 3, "descriptor": "Adequate: meets the criterion with minor gaps"},
        {"score": 4, "descriptor": "Good: clear evidence, no real gaps"},
        {"score": 5, "descriptor": "Excellent: compelling evidence throughout"},
    ],
    "documents": [
        {
            "name": "Latest accounts",
            "help_text": "Your organisation's latest annual accounts or, if it is new, a "
            "statement of its income and spending.",
        },
        {"name": "Safeguarding policy"},
    ],
}

# The answers to the eligibility questions that every demo application gives.
ELIGIBLE = ("confirmed", "confirmed", "no")


@dataclass(frozen=True)
class Bid:
    organisation: str
    kind: str  # commissioning.models.ProviderType
    place: str
    title: str
    amount: str
    theme: str
    people: int
    what: str
    outcome: str
    costs: tuple[tuple[str, str], ...]


# Table 1 of EXE 0025/13, "PCC Grant" rows: "Organisation - project", the amount, and
# the Plan theme the schedule links it to. Table 1 writes "Holly Hayes Wood" and
# "Catch 22"; the demo's providers (from the schedule's other rows) are "Friends of
# Holly Hayes Wood Ltd" and "Catch22", and an application is made in its
# organisation's registered name.
FUNDED = (
    Bid(
        "Living Without Abuse",
        "charity",
        "Loughborough",
        "UR?",
        "3000",
        PROTECTING,
        60,
        "Group sessions for young people aged 13 to 18 on healthy relationships, consent and "
        "where to get help, run with schools and youth clubs in Charnwood.",
        "Young people recognise abusive behaviour and know where to go for help; we ask each "
        "group before and after, and count the referrals that follow.",
        (("Facilitator, 120 hours", "2400"), ("Materials and venue hire", "600")),
    ),
    Bid(
        "Living Without Abuse",
        "charity",
        "Loughborough",
        "Space 4 Me",
        "9076",
        PROTECTING,
        24,
        "One-to-one and group support for children who have lived with domestic abuse, in a "
        "safe space away from home, with a parallel session for their mothers.",
        "Children feel safer and cope better at school and at home; we use a wellbeing scale "
        "at the start and the end, and ask parents and schools.",
        (
            ("Children's worker, part-time for six months", "7200"),
            ("Play and therapy materials", "976"),
            ("Room hire", "900"),
        ),
    ),
    Bid(
        "Leicester Warriors",
        "other",
        "Leicester",
        "To the Hoop",
        "8970",
        REOFFENDING,
        80,
        "Free evening basketball sessions with coaching and mentoring for young people at risk "
        "of offending, on the estates where reports of anti-social behaviour are highest.",
        "Fewer young people drawn into offending; we record attendance and compare reports in "
        "the areas we work with the neighbourhood police team.",
        (
            ("Coaches and mentors, two evenings a week", "6240"),
            ("Sports hall hire", "2100"),
            ("Kit and equipment", "630"),
        ),
    ),
    Bid(
        "Friends of Holly Hayes Wood Ltd",
        "charity",
        "Coalville",
        "NEET Training Scheme",
        "10000",
        REOFFENDING,
        16,
        "Practical training in woodland management and conservation for young people not in "
        "education, employment or training, leading to a recognised qualification.",
        "Trainees gain a qualification and move into work, training or education; we follow up "
        "each trainee three months after they finish.",
        (
            ("Trainer, three days a week", "7000"),
            ("Tools and protective clothing", "1800"),
            ("Qualification fees", "1200"),
        ),
    ),
    Bid(
        "Catch22",
        "charity",
        "Leicester",
        "Community Action Against Crime",
        "10000",
        REOFFENDING,
        40,
        "Young people who have offended plan and carry out projects that repair harm in their "
        "own neighbourhoods, supported by youth workers and local residents.",
        "Less reoffending among the young people taking part, and better relations with their "
        "neighbours; we track reoffending with the Youth Offending Service.",
        (("Youth worker, part-time", "7500"), ("Project materials", "1700"), ("Travel", "800")),
    ),
    Bid(
        "Westcotes Street Pastors",
        "charity",
        "Leicester",
        "Westcotes Street Pastors",
        "2500",
        PROTECTING,
        400,
        "Trained volunteers patrol Westcotes on Friday and Saturday nights, helping people made "
        "vulnerable by drink or drugs to get home safely.",
        "Fewer people left vulnerable on the streets at night; we log everyone helped and share "
        "the figures with the police and the council.",
        (
            ("Volunteer training", "1200"),
            ("Radios, first-aid kits and high-visibility jackets", "1300"),
        ),
    ),
    Bid(
        "New Futures",
        "charity",
        "Leicester",
        "Young Peoples Mentoring",
        "10000",
        REOFFENDING,
        30,
        "Volunteer mentors meet young people leaving custody or at risk of exploitation each "
        "week for six months, helping them into housing, education or work.",
        "Young people stay out of trouble and in settled housing; we record each young "
        "person's goals and how many they reach.",
        (
            ("Mentoring coordinator, part-time", "8000"),
            ("Volunteer expenses", "1400"),
            ("Training for mentors", "600"),
        ),
    ),
    Bid(
        "Community Projects Plus",
        "charity",
        "Leicester",
        "Street Sport",
        "9920",
        REOFFENDING,
        150,
        "Evening sport sessions in the parks and games areas where young people gather, with "
        "youth workers on hand.",
        "Young people take up positive activities instead of anti-social behaviour; we count "
        "attendance and compare police reports before and after.",
        (
            ("Sports coaches and youth workers", "7920"),
            ("Portable equipment and kit", "1400"),
            ("Van hire", "600"),
        ),
    ),
    Bid(
        "Restorative Justice Initiative Midlands",
        "cic",
        "Leicester",
        "Restorative Justice in Local Communities",
        "10000",
        REOFFENDING,
        60,
        "Restorative meetings between people harmed by crime or anti-social behaviour and "
        "those responsible, arranged by trained facilitators in community venues.",
        "Victims feel heard and those responsible make amends and do not reoffend; we ask "
        "victims how satisfied they are and track repeat incidents.",
        (
            ("Facilitators' time", "7800"),
            ("Training volunteer facilitators", "1500"),
            ("Venue hire", "700"),
        ),
    ),
    Bid(
        "Waterfront B-Active Centre CIC",
        "cic",
        "Leicester",
        "Box Smart",
        "10000",
        REOFFENDING,
        45,
        "Boxing training with mentoring and workshops on conflict, knives and choices, for "
        "young people referred by schools, the police and the Youth Offending Service.",
        "Young people at risk stay out of offending and in education; we keep attendance and "
        "ask the referrers about each young person after six months.",
        (("Coaches and a mentor", "7200"), ("Workshops", "1600"), ("Equipment", "1200")),
    ),
    Bid(
        "Women's Aid Leicestershire Ltd (WALL)",
        "charity",
        "Leicestershire",
        "24/7 Emergency Accommodation",
        "9477",
        PROTECTING,
        35,
        "Emergency accommodation day and night for women and children fleeing domestic abuse, "
        "with a support worker on call to help them settle and plan.",
        "Women and children escape abuse safely; we record every admission, how long each "
        "family stays and where they move on to.",
        (
            ("On-call support worker", "6977"),
            ("Emergency packs and essentials", "1000"),
            ("Out-of-hours cover", "1500"),
        ),
    ),
)
