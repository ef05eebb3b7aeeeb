from .base import BilingualPage
from .content import ContentPage, NewsCategory, NewsIndexPage, NewsPage
from .rounds import RoundIndexPage, RoundPage, RoundStep

__all__ = [
    "BilingualPage",
    "ContentPage",
    "NewsCategory",
    "NewsIndexPage",
    "NewsPage",
    "RoundIndexPage",
    "RoundPage",
    "RoundStep",
]
