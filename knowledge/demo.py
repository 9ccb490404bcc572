"""Demo content of the knowledge library: the resources named in the public articles the
product started from, linked as evidence to the demo strategy's sections.

Every fact here comes from those articles. They give no web addresses and, except for the
evaluation of the NHS AI Lab, no publication dates, so the resources are cited by reference
(no link) and left undated rather than given invented details. Running `load` again
changes nothing.
"""

import datetime

from hub.pages.models import HomePage, SectionPage
from knowledge.models import DatePrecision, LibraryPage, ResourcePage, ResourceSection

LIBRARY = {
    "slug": "library",
    "title": "Knowledge library",
    "intro": "The papers, reports, videos and datasets behind the draft strategy. Each one "
    "lists the sections of the draft it supports.",
}

# slug: fields, topics, slugs of the sections it supports. The slug is what `load` finds a
# resource by, never its title, so a retitled resource is not loaded a second time.
RESOURCES = [
    (
        "national-ai-strategy",
        {
            "title": "National AI Strategy",
            "resource_type": "report",
            "publisher": "Office for Artificial Intelligence",
            "summary": "The Office for Artificial Intelligence's National AI Strategy. It "
            "identifies health and care as a sector of growth for AI in the UK, and the "
            "national strategy for AI in health and adult social care is to dovetail with it.",
        },
        ["Strategy", "UK AI policy"],
        ["introduction"],
    ),
    (
        "ai-council-roadmap",
        {
            "title": "AI Council Roadmap",
            "resource_type": "report",
            "publisher": "UK AI Council",
            "summary": "The UK AI Council's roadmap, which identifies health and care as a "
            "sector of growth for AI in the UK. The NHS AI Lab listed it among the papers and "
            "reports it used to form its thinking on the national strategy.",
        },
        ["Strategy", "UK AI policy"],
        ["introduction"],
    ),
    (
        "evaluation-of-the-nhs-ai-lab",
        {
            "title": "Independent evaluation of the NHS AI Lab",
            "resource_type": "report",
            "authors": "Researchers at the University of Edinburgh",
            "publisher": "University of Edinburgh",
            "publication_date": datetime.date(2025, 4, 29),
            "date_precision": DatePrecision.DAY,
            "summary": "NHS England commissioned researchers from the University of Edinburgh "
            "in March 2024 to evaluate the NHS AI Lab, launched by NHS England and the "
            "Department of Health and Social Care in 2019 with £250 million of investment. "
            "The evaluation finds that the AI Lab made considerable progress, that scaling AI "
            "technologies has proved difficult, partly because of uncertainty about "
            "procurement pathways, and that long-term vision and stable leadership are "
            "critical enablers. It recommends a coordinated approach (developing "
            "capabilities, building knowledge-sharing communities, establishing "
            "infrastructures, supporting implementation, and developing regulation and market "
            "management strategies), AI development firmly rooted in the needs of the system "
            "and of service users, and rigorous evaluation of projects and programmes.",
        },
        ["Evaluation", "Procurement", "Regulation"],
        ["introduction", "regulation", "equity"],
    ),
    (
        "national-covid-19-chest-imaging-database",
        {
            "title": "National COVID-19 Chest Imaging Database (NCCID)",
            "resource_type": "dataset",
            "publisher": "NHSX",
            "summary": "A centralised UK database of chest X-ray, CT and MRI images from "
            "hospital patients across the country, set up by NHSX to support better "
            "understanding of COVID-19 and to develop technology enabling the best care for "
            "patients hospitalised with a severe infection. It is made available to "
            "researchers and technology companies to help train and validate AI models.",
        },
        ["COVID-19", "Data", "Imaging"],
        ["ambition-2-diagnosis"],
    ),
    (
        "ai-tv-national-strategy",
        {
            "title": "AI TV: The national AI in Health and Adult Social Care Strategy",
            "resource_type": "video",
            "summary": "An AI TV interview about the plans for developing the national "
            "strategy for AI in health and adult social care, from the NHS AI Lab's page "
            "about the strategy.",
        },
        ["Interviews", "Strategy"],
        ["introduction"],
    ),
    (
        "ai-lab-interview-videos",
        {
            "title": "Interview videos with health tech and AI professionals",
            "resource_type": "video",
            "summary": "A collection of videos in which NHSX's Director of AI talks with other "
            "health tech and AI professionals, shared by the NHS AI Lab among the resources "
            "that formed its thinking on the strategy.",
        },
        ["Interviews"],
        ["introduction"],
    ),
]


def load(stdout):
    home = HomePage.objects.first()
    if home is None:
        stdout.write("Library: no home page, nothing loaded.")
        return
    library = LibraryPage.objects.child_of(home).filter(slug=LIBRARY["slug"]).first()
    if library is None:
        library = LibraryPage(**LIBRARY)  # in the menu: LibraryPage's default
        home.add_child(instance=library)
        library.save_revision().publish()

    sections = {section.slug: section for section in SectionPage.objects.all()}
    created = 0
    for slug, fields, topics, section_slugs in RESOURCES:
        if ResourcePage.objects.child_of(library).filter(slug=slug).exists():
            continue
        resource = ResourcePage(slug=slug, reference_only=True, **fields)
        resource.tags.add(*topics)
        resource.section_links = [
            ResourceSection(section=sections[name], sort_order=order)
            for order, name in enumerate(section_slugs)
            if name in sections
        ]
        library.add_child(instance=resource)
        resource.full_clean()  # the demo keeps the same rules as the admin
        resource.save_revision().publish()
        created += 1
    stdout.write(f"Library: {created} resources created.")
