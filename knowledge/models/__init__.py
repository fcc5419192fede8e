from .harvesting import DeletedItemRecord
from .items import (
    CaseStudyAttachment,
    CaseStudyAuthor,
    CaseStudyOutcome,
    CaseStudyPage,
    KnowledgeItemPage,
    KnowledgeItemTag,
    Language,
    LessonCaseStudy,
    LessonPage,
    TestimonialPage,
)
from .library import LibraryIndexPage
from .partnerships import PartnershipPage
from .publishing import PartnerGroup
from .taxonomy import Country, FocusArea, Institution, MemberAgency, Person

__all__ = [
    "CaseStudyAttachment",
    "CaseStudyAuthor",
    "CaseStudyOutcome",
    "CaseStudyPage",
    "Country",
    "DeletedItemRecord",
    "FocusArea",
    "Institution",
    "KnowledgeItemPage",
    "KnowledgeItemTag",
    "Language",
    "LessonCaseStudy",
    "LessonPage",
    "LibraryIndexPage",
    "MemberAgency",
    "PartnerGroup",
    "PartnershipPage",
    "Person",
    "TestimonialPage",
]
