"""The context is client input: helpers that keep it from deciding anything."""


def without_defaults(records, field_names):
    """``records`` in a context without ``default_<field>`` keys for
    ``field_names``: a default sent by a client is input like any value, and
    the fields a control decides take none from it."""
    keys = {f"default_{name}" for name in field_names}
    if not keys & set(records.env.context):
        return records
    clean = {key: value for key, value in records.env.context.items() if key not in keys}
    return records.with_env(records.env(context=clean))


def computed_field_names(model):
    """Fields of ``model`` the ORM computes (no inverse): nobody else writes them."""
    return {
        name
        for name, field in model._fields.items()
        if (field.compute or field.related) and field.readonly and not field.inverse
    }
