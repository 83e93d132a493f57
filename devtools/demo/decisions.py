"""The two Decision Record Forms in the seed documents, for the demonstration.

Durham's 034-2016 (Community Peer Mentors, August 2016) and Leicestershire's
EXE 0025/13 (Partner Funding 2013/14), transcribed from the published records;
each says so in its supporting information.
"""

from decimal import Decimal

from devtools.demo.provenance import (
    DURHAM_DECISION_034_2016,
    DURHAM_PANEL_REPORT_2015,
    LEICESTERSHIRE_DECISION_EXE_0025_13,
    SIGNED_BY_THE_DEMO,
    noted,
)

DURHAM_034_2016 = {
    "reference": "034-2016",
    "title": "Extending Community Peer Mentors Project into Bishop Auckland",
    "executive_summary": "The project in Darlington has achieved successful outcomes for the community members it has helped. We have identified that the next geographical area that would benefit from this project is Bishop Auckland. The resources delivering the Darlington project are at capacity and to extend the project into Bishop Auckland extra capacity is required.\nPlease see attached document for more detail. The attached paper seeks approval for an allocation of £9,400 to extend the project into Bishop Auckland.",
    "recommendations": "The Police, Crime & Victims' Commissioner (PCVC) is recommended to agree additional funding of £9,400 for the Community Peer Mentors Project. This funding will enable the project to move forward at a much quicker pace and to realise its full potential to engage and support the vulnerable and isolated. It will also support the aims and objectives of the PCVC and assist in the reduction of demand on Durham Constabulary resources. It will build resilience for project delivery and enhance confidence amongst clients, mentors and stakeholders. Ideally, approval for this funding prior to September 2016 offers the best chance to effectively expand the project at a more desirable pace.",
    "decision": "Agree the allocation of £9,400 to extend the project.",
    "financial_implications": True,
    "financial_details": "The allocation of £9,400 is within the 2016/17 budget limits.",
    "legal_implications": True,
    "legal_details": "No specific legal implications",
    "equality_implications": True,
    "equality_details": "No specific equality and diversity implications",
    "human_rights_implications": True,
    "human_rights_details": "No specific human rights implications",
    "sustainability_implications": True,
    "sustainability_details": "No specific sustainability implications",
    "risk_implications": True,
    "risk_details": "No specific risk management implications",
    "supporting_information": noted(
        f"Demonstration data: transcribed from {DURHAM_DECISION_034_2016}. {SIGNED_BY_THE_DEMO}",
        "Community Peer Mentors Project: Request to Extend Project\n\nWe believe that the continued success of the project can be maintained in Darlington and extended into areas across County Durham in three ways:\n\n1. Reducing the demand on Durham Constabulary from high impact users (HIU) which creates the opportunity to allocate resources to other business activities or realise cash savings for the Force.\n2. Supporting vulnerable and isolated people affected by anti-social behaviour and/or neighbour disputes who have become vulnerable and isolated, reliant on the emergency services and local councils leading to frustration and an extremely negative impact on their wellbeing and an increased fear of crime.\n3. Continued engagement with other frontline service providers at a strategic level (Council, Fire Service, A&E, Clinical Commissioning Groups (CCG) , GP Surgeries) to demonstrate the impact of the project and identify the residual drop in the same client group in relation to demand for their services.\n\nFour areas of HIU have been identified by Durham Constabulary for the Peer Mentors to focus on. The engagement with high impact users is likely to be mutually beneficial to other agencies. The four areas of engagement with HIU are:\n\n1. Those who constantly use/abuse the 999 system.\n2. Those who constantly call the police via the 101 system\n3. Those who are identified by local police as persistently coming to the notice of the police for non-criminal offences.\n4. Individuals who are the subject of a (Police Orientated Policing) POP Plan.\n\nThe project is currently being delivered by a single Project Coordinator (in Darlington) and is now in a position to extend into County Durham. The plan is to extend the project into Bishop Auckland and the surrounding area because our analysis has identified this offers our best opportunity to achieve maximum impact. The project has been based in Darlington where it has contributed directly to a reduction in demand on police resources and improved the lives of the vulnerable and isolated clients.\n\nUnfortunately the project is unable to expand at the pace that could be achieved because the Project Coordinator is operating beyond full capacity due to the ever increasing engagement with clients and mentors. The project coordination role started as a part time position but has increased to full time as a result of demand for this service. The Project Coordinator has always worked in excess of these hours of his own volition to make the project a success. The demand on his time has increased significantly since the introduction of the first eight clients and deployment of the 16 Community Peer Mentors.\n\nThe project has now reached a stage without which some additional resources the Coordinator is unable to expand the project at the current pace. The Coordinator will not be able to sustain this high level of time commitment in the long term. The pace of the project has increased significantly in the last six weeks which is reflected in the positive impact the Community Peer Mentors have had on demand reduction across Darlington from the direct engagement with the high impact users.",
    ),
    "lines": [
        ("Out of pocket expenses and mileage for the Mentors and Coordinator", Decimal("1200")),
        ("Training of 2 x Community Peer Mentor Cohorts (26 Additional Mentors)", Decimal("2300")),
        (
            "Support Coordinator to support the project between September 2016 and January "
            "2017 (on a trial basis as a self-employed person); the person identified has "
            "been working with the Mentors throughout the course of the project and has "
            "already produced and delivered the Community Peer Mentor five week training "
            "course",
            Decimal("3800"),
        ),
        (
            "Harmonise Project Coordinators pay with Support Coordinator (September 2016 to "
            "April 2017)",
            Decimal("2100"),
        ),
    ],
}

LEICESTERSHIRE_EXE_0025_13 = {
    "reference": "EXE 0025/13",
    "title": "Police and Crime Commissioner Partner Funding",
    "officers_present": (
        "Paul Stock (CEO), Sue Haslett (Commissioning Manager), Robert Vickers (Interim "
        "Accountant)."
    ),
    "executive_summary": 'For 2013/14 the Police and Crime Commissioner (PCC) received £1.65m through the PCC Community Safety Fund (CSF) from the Home Office to fund initiatives that would contribute to achieving the Strategic Priorities within the Police and Crime Plan. This funding was previously distributed to partners via a number of Home Office specific grants including:\n\n1. Community Safety Fund\n2. Drug Intervention Programme\n3. Community Safety Partnership\n4. Youth Crime and Substance Misuse\n5. Positive Futures\n6. Communities against guns, gangs & knives programme\n7. Innovation Fund\n8. Safer Future Communities\n\nTo ensure that all partnership funding was identified and to reduce the risk of duplicate funding, the CSF has been amalgamated with funding historically used by the Leicestershire Police to fund specific initiatives with partners to give a total funding pot of £2.9m.\n\nDuring the development of the Police and Crime Plan (PCP), it was recognised that to support the achievement of the Themes and Strategic Objectives within the Police and Crime Plan a commissioning framework needed to be developed. This would underpin how the Police and Crime Commissioner would commission outcomes.\n\nTo enable the Commissioning Intentions to be developed and in recognition of partner feedback that they would need to plan for the outcomes of the Commissioning Intentions and change in the way outcomes are to be delivered, the funding has been split into a number of streams:\n\n1. Initiatives that were historically funded through Home Office Grants – Allocate 6 months funding at 2012/13 levels (funding up to end of September 2013).\n2. Previous Leicestershire Police funded initiatives funded at either 2012/13 levels or pre-agreed arrangements (funding up to 31st March 2014).\n3. Funding to both City and County Basic Command Units (BCU) to fund emerging issues at a local level (£100k to each BCU).\n\n4. Continuation of allocations to the Leicestershire to ensure contribution to partner initiatives are maintained (funding up to 31st March 2014).\n\nThe Police and Crime Plan was published on 31st March 2013. This enabled the Commissioning intentions to be published on 21st June 2013.\n\nThe Commissioning Intentions were developed after engagement with various partners. This helped to identify the commissioning avenues available to the Police and Crime Commissioner and the partners\' ability to deliver the outcomes to contribute to the achievement of the strategic priorities. As a result of this engagement the following purchasing systems (with proposed funding allocated to each) were established within the Commissioning Intentions, which aim to deliver outcomes that support the themes and objectives within the Police and Crime Plan.\n\n1. Direct Commissioning – Directly tender or contract under a single tender dispensation;\n2. Co-Commissioning with existing Commissioners under a "Contract" – i.e. ask existing Commissioners to commission outcomes on the behalf of the PCC under a contract;\n3. Co-Commissioning with Community Safety Partnerships at City, County, Rutland and District level under a contract based on business cases presented and agreed;\n4. Issuing funds via a new PCC Grant, inviting any provider or providers to submit applications against a set of criteria;\n5. Awarding funding via a new Innovation Fund, inviting any provider or providers to propose and work on new and innovative solutions for "testing" against Plan priorities and outcomes, not otherwise described in his Commissioning Plans;\n6. Allocating via the BCU Fund – this is a continuation of the model whereby the BCU Commanders have a fund which they can use flexibly to meet local need/demand.\n\nAs a result of the above purchasing systems within the Commissioning Intentions, the attached schedule shows the proposed allocations for the funding through each process and how they link to the themes within the Police and Crime Plan.\n\nThe funding of the above proposals (and those within the attached schedule) are as follows:\n\nFunding Streams\tAmount\nPCC Community Safety Grant\t£1,649,000\nFormer Police Force Partnership funding\t£1,305,029\nSub-Total\t£2,954,029\nUse of Budget Equalisation Reserve\t£294,994*\nTotal\t£3,249,023\n\n* In May 2013, the Police and Crime Commissioner announced that he intended to allocate an additional £1m over the next 3 years to boost the commissioning budget. This funding is to be allocated from the Budget Equalisation Reserve. The table\n\nabove shows a proportion of this funding is proposed to be used in 2013-14 to support prevention and early intervention initiatives.\n\nThe processes for allocating the Community Safety Fund and the PCC Grant were undertaken in July/August 2013. These were as follows:\n\nCommunity Safety Fund:\n\nThe Community Safety Partnerships (CSP) were requested to submit business cases to the Office of the Police and Crime Commissioner. The business cases submitted by the Districts were forwarded to Leicestershire Safer Communities Senior Officer Group to enable an independent assessment and recommendations to be presented to the Police and Crime Commissioner. The business cases submitted by Leicester City and Rutland County Council were assessed by members of staff from the Office of the Police and Crime Commissioner. Summaries of the business cases and recommendations were presented to the Police and Crime Commissioner for approval.\n\nPCC Grant:\n\nSubmissions via application, were invited from all interested parties and in total 33 applications were received. In order to engage partners in the funding process and to instil a degree of independence into the decision making process the following process was adopted:\n\n- A number of people from various organisations and with expertise covering the Police and Crime Plan Themes were approached to assess the application forms (score the responses). They provided recommendations and feedback on the applications allocated to them. These were known as the "Themed Reviewers"\n- A "Review Panel" was established whose membership consisted of representatives from the Office of the Police and Crime Commissioner, Force, Leicestershire County Council, Leicester City Council, Rutland County Council, Probation and the Third Sector. The remit of the Panel was to make recommendations to the Police and Crime Commissioner on which proposals to fund. This would be on the basis of the scores, comments and recommendations of the "Themed Reviewers".\n- The recommendations of the "Review Panel" were presented to the Police and Crime Commissioner for approval.',
    "recommendations": "1. Approve the funding allocations and distributions set out in Table 1 (attached).\n2. Approve the use of the Budget Equalisation Reserve to support the commissioning intentions and the Police and Crime Plan.",
    "key_discussion_points": "During 2013 a series of meetings and discussions have taken place with various partners and bodies to determine how funding should be allocated and what approaches to commissioning to be undertaken by Police and Crime Commissioner can be adopted. These include meetings of the Strategic Partnership Board and various meeting and discussions with officers at various levels within Leicester City Council, Leicestershire County Council, Rutland County Council, Probation Service and various voluntary sector organisations.\n\nThe key discussion points were:\n\n1. How to allocate the PCC community Safety Funding, whilst taking into consideration:\n - Previous funding received by partners from the Home Office.\n - The impact to partners of potential funding changes.\n - Partners delivering on outcomes not services.\n - Partners Planning for the outcomes of the Commissioners Intentions\n - The Themes and Strategic Priorities within the Police and Crime Plan\n2. How the Police and Crime Plan can be supported through the commissioning intentions.\n3. The commissioning purchasing systems which could be adopted to support both the Police and Crime Plan and the Commissioning Intentions.\n4. How to encourage partners to present original innovative ideas which would allow the PCC to gain maximum impact for the resources that are available.",
    "decision": "It was resolved that: The recommendations set out above be accepted and implemented to support both the Police and Crime Plan and the Commissioning Intentions.",
    "supporting_information": (
        f"Demonstration data: transcribed from {LEICESTERSHIRE_DECISION_EXE_0025_13}; its "
        "schedule of allocations is the 2013/14 funding the demo imports with it. "
        + SIGNED_BY_THE_DEMO
    ),
    "lines": [
        ("PCC Community Safety Grant", Decimal("1649000")),
        ("Former Police Force Partnership funding", Decimal("1305029")),
        ("Use of Budget Equalisation Reserve", Decimal("294994")),
    ],
}

# Two records drawn from Durham's February 2015 commissioning report, left at
# earlier steps of the workflow. The report gives the streams, not these amounts:
# the amounts are set for the demonstration and say so.
DRAWN_FROM_THE_DURHAM_REPORT = (
    f"Demonstration data: the purpose is from {DURHAM_PANEL_REPORT_2015}; the record and its "
    "amount are made up for the demo."
)
RESTORATIVE_JUSTICE_COORDINATORS = {
    "title": "Restorative Justice Coordinators for Durham and Darlington",
    "executive_summary": (
        "Since 2013 the Ministry of Justice has allocated money to the PCC to establish the "
        "provision of restorative justice for victims who want it. The PCC intends to use the "
        "additional funding to appoint Restorative Justice Coordinators, one for Durham and one "
        "for Darlington, to bring together all restorative justice activity and ensure good "
        "coordination, information sharing and learning."
    ),
    "decision": "Agree the appointment of two Restorative Justice Coordinators for 2015-16.",
    "financial_implications": True,
    "financial_details": (
        "Funded from the Ministry of Justice restorative justice grant for 2015-16 (£140,000). "
        "The amount is set for the demonstration."
    ),
    "supporting_information": DRAWN_FROM_THE_DURHAM_REPORT,
    "lines": [("Two Restorative Justice Coordinators, 2015-16", "70000")],
    "allocation": {
        "stream": "Restorative Justice",
        "recipient": "Durham Constabulary",
        "title": "Restorative Justice Coordinators (Durham and Darlington)",
        "amount": "70000",
        "comments": DRAWN_FROM_THE_DURHAM_REPORT,
    },
}

VICTIMS_REFERRAL_SERVICE = {
    "title": "Victims' referral and assessment service 2015-16",
    "executive_summary": (
        "We intend to commission Victim Support to provide the referral and assessment "
        "service in 2015-16, jointly with Cleveland PCC. The service will provide the first "
        "point of contact for practical support for a victim of crime and the gateway to "
        "further specialist support for the more complex and serious cases."
    ),
    "decision": "Agree to commission the victims' referral and assessment service jointly with Cleveland PCC.",
    "legal_implications": True,
    "legal_details": "A collaboration agreement with Cleveland PCC is needed.",
    "supporting_information": DRAWN_FROM_THE_DURHAM_REPORT,
    "lines": [("Referral and assessment service, Durham share 2015-16", "200000")],
    "allocation": {
        "stream": "Victims' Services",
        "recipient": "Victim Support",
        "title": "Victims' referral and assessment service (with Cleveland PCC)",
        "amount": "200000",
        "comments": DRAWN_FROM_THE_DURHAM_REPORT,
    },
}
