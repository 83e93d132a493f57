"""The 22 applications to Leicestershire's PCC Grant 2013/14 that it did not fund.

EXE 0025/13 says that 33 applications were received and names the eleven it funded
(devtools/demo/pcc_grant_2013.py). These 22 are made up for the demo: plausible local
organisations, invented, holding no charity or company number, with invented
projects, answers and budgets.
"""

from devtools.demo.pcc_grant_2013 import PROTECTING, REOFFENDING, SAFER, Bid

UNFUNDED = (
    Bid(
        "Braunstone Gloves Boxing Club",
        "other",
        "Braunstone, Leicester",
        "Friday Night Gloves",
        "7450",
        REOFFENDING,
        50,
        "Friday night boxing sessions for young people on the Braunstone estate, with a youth "
        "worker to talk through problems at home or at school.",
        "Fewer young people involved in anti-social behaviour on Friday nights; we keep a "
        "register and talk to the local beat team each month.",
        (("Coaches", "4800"), ("Hall hire", "1950"), ("Gloves and pads", "700")),
    ),
    Bid(
        "Hinckley Property Marking Volunteers",
        "other",
        "Hinckley",
        "Shed and Cycle Marking Days",
        "3200",
        SAFER,
        600,
        "Marking days in village halls and supermarket car parks: bicycles, tools and garden "
        "equipment marked, and advice on shed security.",
        "Fewer sheds and garages broken into, and more stolen property returned; we count the "
        "items marked and follow recorded crime in the areas visited.",
        (
            ("Marking kits and registration", "2200"),
            ("Leaflets and signs", "600"),
            ("Volunteer travel", "400"),
        ),
    ),
    Bid(
        "Melton Youth Drop-In",
        "charity",
        "Melton Mowbray",
        "Late Opening on Fridays",
        "8600",
        SAFER,
        70,
        "Our youth centre open until 11pm on Friday nights, with activities, food and youth "
        "workers, so young people have somewhere safe to go.",
        "Less anti-social behaviour in the town centre on Friday nights; we count attendance "
        "and compare incidents with the Melton Safer Community Partnership.",
        (
            ("Youth workers' hours", "6200"),
            ("Food and activities", "1400"),
            ("Heating and building costs", "1000"),
        ),
    ),
    Bid(
        "Rutland Older People's Circle",
        "charity",
        "Oakham",
        "Doorstep Crime Awareness",
        "2850",
        PROTECTING,
        300,
        "Talks at coffee mornings and lunch clubs across Rutland on doorstep scams and rogue "
        "traders, with door stickers and call blockers for those most at risk.",
        "Older people turn rogue traders away and report them; we ask those who attended "
        "afterwards and record the call blockers fitted.",
        (
            ("Call blockers", "1750"),
            ("Talks and travel", "700"),
            ("Door stickers and leaflets", "400"),
        ),
    ),
    Bid(
        "Coalville Parents Online",
        "other",
        "Coalville",
        "Online Safety for Parents",
        "2400",
        PROTECTING,
        120,
        "Evening workshops for parents on keeping children safe online: grooming, sharing "
        "images, and how to report a concern.",
        "Parents talk to their children about the risks and know how to report; we ask them at "
        "each workshop and a month later.",
        (("Trainer", "1500"), ("Venue and childcare", "900")),
    ),
    Bid(
        "Belgrave Women's Support Circle",
        "charity",
        "Belgrave, Leicester",
        "Domestic Abuse Drop-in in Gujarati and Punjabi",
        "9800",
        PROTECTING,
        90,
        "A weekly drop-in for women affected by domestic abuse, with support workers who "
        "speak Gujarati and Punjabi, and help to contact specialist services.",
        "More women from communities that seldom report domestic abuse get help; we record "
        "contacts, referrals and what happens next.",
        (
            ("Bilingual support workers", "7800"),
            ("Room hire", "1200"),
            ("Interpreting for appointments", "800"),
        ),
    ),
    Bid(
        "Highfields Neighbour Mediation",
        "charity",
        "Highfields, Leicester",
        "Neighbour Dispute Mediation",
        "9500",
        SAFER,
        80,
        "Trained mediators help neighbours in disputes over noise, parking and boundaries to "
        "agree before the dispute turns into anti-social behaviour or crime.",
        "Disputes settled without police or council action; we record each case's outcome and "
        "ask both sides again three months later.",
        (
            ("Mediation coordinator", "7000"),
            ("Training new mediators", "1800"),
            ("Travel", "700"),
        ),
    ),
    Bid(
        "Loughborough Safe Night Out",
        "other",
        "Loughborough",
        "Safe Routes Home",
        "6000",
        SAFER,
        1500,
        "Volunteer marshals on the routes from the town centre to the student areas on "
        "Wednesday and Saturday nights, with a safe place to wait.",
        "Fewer assaults and thefts on the way home at night; we log the people helped and "
        "compare police reports for the routes.",
        (
            ("Marshals' training and expenses", "3400"),
            ("Safe place costs", "1800"),
            ("Jackets and radios", "800"),
        ),
    ),
    Bid(
        "Harborough Young Company",
        "charity",
        "Market Harborough",
        "Consequences: a play about knife crime",
        "4750",
        REOFFENDING,
        900,
        "Young actors write and perform a play about knife crime for the secondary schools of "
        "Harborough district, with a workshop for each audience.",
        "Pupils understand what carrying a knife leads to; we ask them before and after each "
        "performance.",
        (
            ("Director and writer", "2600"),
            ("Touring and set", "1350"),
            ("Workshop leader", "800"),
        ),
    ),
    Bid(
        "Wigston Growing Together",
        "other",
        "Wigston",
        "Growing Back",
        "5300",
        REOFFENDING,
        20,
        "Young people on community orders work with volunteers on a community allotment, "
        "growing food for the local food bank.",
        "Young people complete their orders and gain skills and confidence; we record the hours "
        "worked and follow up with the Youth Offending Service.",
        (("Supervisor", "3600"), ("Tools, seeds and materials", "1100"), ("Polytunnel", "600")),
    ),
    Bid(
        "Saffron Lane Detached Youth Work",
        "charity",
        "Saffron, Leicester",
        "Street-Based Youth Work",
        "10000",
        REOFFENDING,
        200,
        "Detached youth workers meet young people where they gather on the Saffron estate in "
        "the evenings and link them to activities, training and support.",
        "Young people at risk know a trusted adult and move on to positive activities; we "
        "record contacts and what each young person takes up.",
        (
            ("Two detached youth workers, part-time", "8600"),
            ("Training and supervision", "900"),
            ("Activities", "500"),
        ),
    ),
    Bid(
        "Charnwood Standing Together",
        "other",
        "Loughborough",
        "Hate Crime Reporting Centres",
        "6900",
        PROTECTING,
        250,
        "Training staff at libraries, community centres and places of worship across "
        "Charnwood to take reports of hate crime for people who would not go to the police.",
        "More hate crime reported; we count the reports made through the centres.",
        (
            ("Trainer", "3900"),
            ("Publicity in community languages", "1800"),
            ("Coordinator", "1200"),
        ),
    ),
    Bid(
        "Second Chapter Recovery Leicester",
        "charity",
        "Leicester",
        "Peer Support after Custody",
        "9950",
        REOFFENDING,
        40,
        "People in recovery from drug and alcohol misuse meet prisoners at the gate on release "
        "and support them through their first month back in Leicester.",
        "Fewer people return to drugs and offending after release; we follow each person for "
        "three months with the Integrated Offender Management team.",
        (
            ("Peer support coordinator", "7400"),
            ("Peer volunteers' expenses", "1650"),
            ("Emergency travel and phone credit", "900"),
        ),
    ),
    Bid(
        "Lutterworth Carers' Link",
        "charity",
        "Lutterworth",
        "Scam Awareness for Carers",
        "1800",
        PROTECTING,
        150,
        "Sessions for carers of people with dementia on spotting postal, telephone and online "
        "scams, and protecting the person they care for.",
        "Carers recognise scams and stop money being lost; we ask them after each session and "
        "three months later.",
        (("Session leader", "1100"), ("Venue and refreshments", "700")),
    ),
    Bid(
        "Ashby Skate Park Users' Group",
        "other",
        "Ashby-de-la-Zouch",
        "Skate Park Coaching Evenings",
        "8200",
        SAFER,
        100,
        "Coached evening sessions at the skate park, with the young people who use it helping "
        "to look after it and report damage.",
        "Less vandalism and anti-social behaviour at the park; we count the sessions and the "
        "damage reported to the town council.",
        (("Coaches", "5200"), ("Temporary lighting", "2000"), ("Safety equipment", "1000")),
    ),
    Bid(
        "New Parks Residents Together",
        "other",
        "New Parks, Leicester",
        "Estate Walkabouts and Clean-Ups",
        "3650",
        SAFER,
        400,
        "Monthly walkabouts of the estate with residents, the police and the council to find "
        "problems, followed by clean-up days.",
        "Residents feel safer and report problems sooner; we survey them at the start and the "
        "end of the year.",
        (
            ("Clean-up equipment and skips", "2150"),
            ("Publicity", "700"),
            ("Refreshments for volunteers", "800"),
        ),
    ),
    Bid(
        "Signpost Deaf Link Leicester",
        "charity",
        "Leicester",
        "Accessible Crime Reporting",
        "7100",
        PROTECTING,
        120,
        "British Sign Language videos on reporting crime and getting help as a victim, and a "
        "weekly session where Deaf people can report with an interpreter.",
        "Deaf people report crime and reach victim services; we count the reports and "
        "referrals made through the sessions.",
        (("Interpreters", "3900"), ("Video production", "2400"), ("Outreach", "800")),
    ),
    Bid(
        "Eyres Monsell Girls' Football",
        "other",
        "Eyres Monsell, Leicester",
        "Evening Training for Girls",
        "4300",
        SAFER,
        60,
        "Two evening football sessions a week for girls aged 11 to 16, with a female youth "
        "worker and talks on staying safe.",
        "Girls take part in safe, positive activity and know where to go for help; we keep "
        "attendance and ask the girls each term.",
        (("Coach and youth worker", "2900"), ("Pitch hire", "1000"), ("Kit", "400")),
    ),
    Bid(
        "Shepshed Workbench Mentors",
        "other",
        "Shepshed",
        "Mentoring Young Men Leaving Care",
        "5600",
        REOFFENDING,
        12,
        "Retired tradesmen mentor young men leaving care through woodwork and repair projects, "
        "with practical skills and a route into work.",
        "Young men leaving care avoid offending and move into work or training; we record each "
        "one's progress over six months.",
        (
            ("Coordinator", "3400"),
            ("Workshop materials", "1400"),
            ("Mentors' expenses", "800"),
        ),
    ),
    Bid(
        "Welcome Table Leicester",
        "charity",
        "Leicester",
        "Know Your Rights",
        "8750",
        PROTECTING,
        200,
        "Sessions, with interpreters, for refugees and people seeking asylum on recognising "
        "labour exploitation and hate crime and reporting them safely.",
        "People at risk of exploitation know their rights and report; we count the sessions, "
        "those who attend and the referrals to the police and support services.",
        (
            ("Sessions and interpreters", "5600"),
            ("Caseworker, part-time", "2500"),
            ("Materials in five languages", "650"),
        ),
    ),
    Bid(
        "Rutland Rural Watch",
        "other",
        "Uppingham",
        "Farm and Village Watch",
        "2950",
        SAFER,
        350,
        "Signs, property marking kits and a text alert service for farms and villages across "
        "Rutland, run by volunteers with the rural police officer.",
        "Less theft of machinery, fuel and tools, and quicker reports; we record members, "
        "alerts sent and thefts reported.",
        (
            ("Signs and marking kits", "1650"),
            ("Text alert service for a year", "900"),
            ("Launch meetings", "400"),
        ),
    ),
    Bid(
        "Narborough Road Traders' Association",
        "other",
        "Leicester",
        "Shop Watch Radio Link",
        "6400",
        SAFER,
        45,
        "A shared radio link between the shops of Narborough Road and the city's CCTV room, so "
        "traders can warn each other of shoplifting and disorder.",
        "Less shoplifting and disorder on the street; we log radio calls and compare the "
        "incidents reported with the neighbourhood police team.",
        (
            ("Radios and licence", "4600"),
            ("Training for traders", "1000"),
            ("Airtime for the year", "800"),
        ),
    ),
)
