"""creditcli: 双随机、一公开 supervision toolkit for a market-supervision bureau."""

__version__ = "0.1.0"
