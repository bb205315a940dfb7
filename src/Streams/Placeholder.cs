namespace Alignak.Streams; internal static class Placeholder { }
