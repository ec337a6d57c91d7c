"""The Bot Framework edge of Vertaisbotti: the only package that imports botbuilder."""
