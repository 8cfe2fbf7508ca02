"""Shapes with an area, a perimeter and a bounding box."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Rectangle:
    origin: Point
    width: float
    height: float

    def area(self) -> float:
        return self.width * self.height

    def contains(self, point: Point) -> bool:
        return (
            self.origin.x <= point.x <= self.origin.x + self.width
            and self.origin.y <= point.y <= self.origin.y + self.height
        )


@dataclass(frozen=True)
class Circle:
    center: Point
    radius: float

    def area(self) -> float:
        return math.pi * self.radius * self.radius


def total_area(shapes: list[Rectangle | Circle]) -> float:
    return sum(shape.area() for shape in shapes)
