# SPDX-License-Identifier: GPL-2.0-or-later
"""A pure-Python stand-in for the rpds module (persistent collections).

dt-schema needs jsonschema >= 4.18 and referencing, which build on rpds, a
compiled module. Debian 12's Python is 3.11 and Debian's only rpds is built
for newer Pythons, so scripts/dt-schema.sh puts this directory first on
PYTHONPATH instead. It offers just what referencing and jsonschema use:
immutable HashTrieMap, HashTrieSet and List whose "modifying" methods return
a new collection. Copying on write is O(n) per change where rpds shares
structure; a few thousand schemas make that irrelevant.
"""

from collections.abc import Mapping, Set

__all__ = ["HashTrieMap", "HashTrieSet", "List"]


class HashTrieMap(Mapping):
    __slots__ = ("_d",)

    def __init__(self, value=(), **kwargs):
        d = dict(value)
        d.update(kwargs)
        object.__setattr__(self, "_d", d)

    @classmethod
    def _of(cls, d):
        m = cls.__new__(cls)
        object.__setattr__(m, "_d", d)
        return m

    @classmethod
    def convert(cls, value):
        return value if isinstance(value, HashTrieMap) else cls(value)

    @classmethod
    def fromkeys(cls, keys, value=None):
        return cls._of(dict.fromkeys(keys, value))

    def __setattr__(self, name, value):
        raise AttributeError("HashTrieMap is immutable")

    def __getitem__(self, key):
        return self._d[key]

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)

    def __contains__(self, key):
        return key in self._d

    def __hash__(self):
        return hash(frozenset(self._d.items()))

    def __eq__(self, other):
        if isinstance(other, Mapping):
            return self._d == dict(other.items())
        return NotImplemented

    def __repr__(self):
        return "HashTrieMap(%r)" % (self._d,)

    def __reduce__(self):
        return (HashTrieMap, (self._d,))

    def get(self, key, default=None):
        return self._d.get(key, default)

    def insert(self, key, value):
        d = dict(self._d)
        d[key] = value
        return self._of(d)

    def remove(self, key):
        d = dict(self._d)
        del d[key]              # KeyError, as rpds raises
        return self._of(d)

    def discard(self, key):
        if key not in self._d:
            return self
        return self.remove(key)

    def update(self, *maps, **kwargs):
        d = dict(self._d)
        for m in maps:
            d.update(m)
        d.update(kwargs)
        return self._of(d)


class HashTrieSet(Set):
    __slots__ = ("_s",)

    def __init__(self, value=()):
        object.__setattr__(self, "_s", frozenset(value))

    @classmethod
    def _of(cls, s):
        n = cls.__new__(cls)
        object.__setattr__(n, "_s", s)
        return n

    @classmethod
    def _from_iterable(cls, it):
        return cls(it)

    def __setattr__(self, name, value):
        raise AttributeError("HashTrieSet is immutable")

    def __contains__(self, value):
        return value in self._s

    def __iter__(self):
        return iter(self._s)

    def __len__(self):
        return len(self._s)

    def __hash__(self):
        return hash(self._s)

    def __repr__(self):
        return "HashTrieSet(%r)" % (set(self._s),)

    def __reduce__(self):
        return (HashTrieSet, (tuple(self._s),))

    def insert(self, value):
        return self if value in self._s else self._of(self._s | {value})

    def remove(self, value):
        if value not in self._s:
            raise KeyError(value)
        return self._of(self._s - {value})

    def discard(self, value):
        return self._of(self._s - {value}) if value in self._s else self

    def update(self, *iterables):
        s = set(self._s)
        for it in iterables:
            s.update(it)
        return self._of(frozenset(s))

    def union(self, *iterables):
        return self.update(*iterables)


class List:
    """An immutable singly linked list: push_front shares the tail."""

    __slots__ = ("_head", "_tail", "_len")

    def __init__(self, value=()):
        node = (None, None, 0)
        for v in reversed(list(value)):
            node = (v, node, node[2] + 1)
        self._set(*node)

    def _set(self, head, tail, length):
        object.__setattr__(self, "_head", head)
        object.__setattr__(self, "_tail", tail)
        object.__setattr__(self, "_len", length)

    def __setattr__(self, name, value):
        raise AttributeError("List is immutable")

    def _node(self):
        return (self._head, self._tail, self._len)

    @classmethod
    def _of(cls, node):
        n = cls.__new__(cls)
        n._set(*node)
        return n

    def push_front(self, value):
        return self._of((value, self._node(), self._len + 1))

    @property
    def first(self):
        if not self._len:
            raise IndexError("empty List has no first element")
        return self._head

    @property
    def rest(self):
        if not self._len:
            return self
        return self._of(self._tail)

    def drop_first(self):
        if not self._len:
            raise IndexError("empty List")
        return self._of(self._tail)

    def __iter__(self):
        node = self._node()
        while node[2]:
            yield node[0]
            node = node[1]

    def __reversed__(self):
        return reversed(list(self))

    def __len__(self):
        return self._len

    def __eq__(self, other):
        if isinstance(other, List):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    def __hash__(self):
        return hash(tuple(self))

    def __repr__(self):
        return "List(%r)" % (list(self),)
